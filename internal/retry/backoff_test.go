package retry

import (
	"testing"
	"time"
)

func TestBackoff(t *testing.T) {
	tests := []struct {
		attempt  int
		min, max time.Duration
	}{
		{1, 500 * time.Millisecond, time.Second},
		{2, time.Second, 2 * time.Second},
		{4, 4 * time.Second, 8 * time.Second},
		{10, 30 * time.Second, time.Minute}, // capped
		{0, 500 * time.Millisecond, time.Second},
	}
	for _, tt := range tests {
		for range 200 {
			d := Backoff(time.Second, time.Minute, tt.attempt)
			if d < tt.min || d > tt.max {
				t.Fatalf("attempt %d: %v outside [%v, %v]", tt.attempt, d, tt.min, tt.max)
			}
		}
	}
	if d := Backoff(time.Nanosecond, time.Nanosecond, 3); d != time.Nanosecond {
		t.Fatalf("a wait too short to split: %v", d)
	}
}
