package client

// WithMaxAnswer bounds what is read of one successful answer, as maxAnswer does.
func WithMaxAnswer(n int64) Option { return func(c *Client) { c.maxAnswer = n } }
