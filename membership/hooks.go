package membership

import (
	"context"

	"github.com/google/uuid"
)

// Hooks lets a host trace the Service without the core importing a tracing
// library. Every field is optional.
type Hooks struct {
	// Mutation is called as each mutation starts, creating an organization
	// included, once its actor and organization are valid IDs: with its
	// context, action, organization (the new one's, for
	// organization.created) and actor.
	// The context it returns, if not nil, is the one the mutation runs in
	// (one carrying a span, say); end, if not nil, is called once with the
	// outcome (nil on success) when the transaction has committed or
	// rolled back.
	Mutation func(ctx context.Context, m MutationStart) (_ context.Context, end func(err error))
}

// MutationStart is what Hooks.Mutation learns of a mutation as it starts.
type MutationStart struct {
	Action string // e.g. "member.added"
	OrgID  uuid.UUID
	Actor  string
}

// traced runs fn between the Mutation hook's start and end, in the
// context the hook returns.
func (s *Service) traced(ctx context.Context, m MutationStart, fn func(ctx context.Context) error) error {
	if s.hooks.Mutation == nil {
		return fn(ctx)
	}
	hctx, end := s.hooks.Mutation(ctx, m)
	if hctx != nil {
		ctx = hctx
	}
	err := fn(ctx)
	if end != nil {
		end(err)
	}
	return err
}
