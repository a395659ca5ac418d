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

var errNoOp = fmt.Errorf("%w: no operation (Mutate gives one)", ErrInvalidInput)

// readyOp is ready for the methods that act inside an operation of
// Mutate.
func (s *Service) readyOp(ctx context.Context, op *Op) error {
	if err := s.ready(ctx); err != nil {
		return err
	}
	if op == nil {
		return errNoOp
	}
	return nil
}
