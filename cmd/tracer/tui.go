package main

import (
	"context"
	"errors"
)

func (m *Main) runTUI(_ context.Context, _ []string) error {
	return errors.New("the interview screens are not built into this version yet; use \"tracer form fill\"")
}
