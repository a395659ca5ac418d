package invite

// Audit actions and host event types written by this package. Each
// mutation writes its audit event and host event in its own transaction;
// none carries a token.
const (
	EventInvitationCreated   = "invitation.created"   // a new invitation
	EventInvitationRefreshed = "invitation.refreshed" // invited again while pending
	EventInvitationResent    = "invitation.resent"
	EventInvitationUpdated   = "invitation.updated"
	EventInvitationRevoked   = "invitation.revoked"
	EventInvitationRejected  = "invitation.rejected"
	EventInvitationAccepted  = "invitation.accepted"
	EventInvitationURLShown  = "invitation.url_shown" // an admin copied the URL
	// EventInvitationReissued: delivery replaced the token of a queued
	// email it could not open (see Options.Key); the old token stops
	// working.
	EventInvitationReissued = "invitation.reissued"
	EventLinkCreated        = "link.created"
	EventLinkUpdated        = "link.updated"
	EventLinkRevoked        = "link.revoked"
	EventLinkRegenerated    = "link.regenerated"
	EventLinkJoined         = "link.joined"
	EventLinkURLShown       = "link.url_shown"
)
