package membership

import (
	"context"
	"fmt"
)

// ready reports why s cannot serve a call, before anything is read or
// written: a Service not made by New (ErrInvalidOptions) or a nil context
// (ErrInvalidInput). Every
// exported method that takes a context calls it first, so none of them
// panics on such input.
func (s *Service) ready(ctx context.Context) error {
	switch {
	case s == nil || s.st == nil:
		return fmt.Errorf("%w: make the Service with membership.New and a store", ErrInvalidOptions)
	case ctx == nil:
		return fmt.Errorf("%w: nil context", ErrInvalidInput)
	}
	return nil
}

var errNoOp = fmt.Errorf("%w: no operation (Extension.Mutate gives one)", ErrInvalidInput)

// ready is Service.ready for the methods of an Op, which need one made by
// Extension.Mutate.
func (op *Op) ready(ctx context.Context) error {
	if op == nil || op.s == nil {
		return errNoOp
	}
	return op.s.ready(ctx)
}
