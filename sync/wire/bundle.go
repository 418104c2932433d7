package wire

import (
	"time"

	"tracer/survey"
)

// BundleOutbox is the payload of an outbox bundle (sync/bundle): what one push of
// interviews, one of attempts and one of roster updates would carry, from one laptop with
// no network.
type BundleOutbox struct {
	DeviceTime time.Time         `json:"device_time"`
	Items      []PushItem        `json:"items"`
	Attempts   []*survey.Attempt `json:"attempts"`
	// Updates are roster updates proposed on the laptop (absent from older bundles).
	Updates []*survey.RosterUpdate `json:"updates,omitempty"`
}

// Lists names the bundle's lists; the interviews' bodies are kept as bytes.
func (b *BundleOutbox) Lists() Lists {
	return Lists{"items": MaxBatch, "items[].body": Raw, "attempts": MaxAttempts, "updates": MaxRosterUpdates}
}

// Validate checks the bundle's shape as a push's.
func (b *BundleOutbox) Validate() error {
	if len(b.Items) == 0 && len(b.Attempts) == 0 && len(b.Updates) == 0 {
		return survey.Errorf(survey.EINVALID, "The bundle carries nothing.")
	}
	if len(b.Items) > 0 {
		if err := (&PushRequest{Items: b.Items}).Validate(); err != nil {
			return err
		}
	}
	if len(b.Attempts) > 0 {
		if err := (&AttemptPushRequest{Attempts: b.Attempts}).Validate(); err != nil {
			return err
		}
	}
	if len(b.Updates) > 0 {
		return (&RosterUpdatePushRequest{Updates: b.Updates}).Validate()
	}
	return nil
}

// BundleReceipts is the payload of a receipts bundle: the answers to the outbox bundle
// Bundle, one per interview, one per attempt and one per roster update, in order. Relay
// names the relay's account when a relay imported it.
type BundleReceipts struct {
	Bundle   string                  `json:"bundle"`
	Relay    string                  `json:"relay,omitempty"`
	Receipts []Receipt               `json:"receipts"`
	Attempts []survey.AttemptReceipt `json:"attempts"`
	Updates  []survey.AttemptReceipt `json:"updates,omitempty"`
}

// Lists names the receipts' lists.
func (b *BundleReceipts) Lists() Lists {
	return Lists{"receipts": MaxBatch, "attempts": MaxAttempts, "updates": MaxRosterUpdates}
}

// Validate checks the receipts name their bundle.
func (b *BundleReceipts) Validate() error {
	if b.Bundle == "" {
		return survey.Errorf(survey.EINVALID, "The receipts do not name their bundle.")
	}
	return nil
}
