package survey_test

import (
	"errors"
	"fmt"
)

var errPlain = errors.New("disk on fire")

func wrap(err error) error { return fmt.Errorf("save: %w", err) }
