package supervisor

import "testing"

func TestGCPercentFor(t *testing.T) {
	const M = 1 << 20
	for _, c := range []struct {
		percent     int
		minHeadroom uint64
		base        uint64
		want        int
	}{
		{50, 64 * M, 400 * M, 50},    // a large heap: percent
		{50, 64 * M, 128 * M, 50},    // where percent gives the headroom
		{50, 64 * M, 64 * M, 100},    // below: the headroom
		{50, 64 * M, 32 * M, 200},    //
		{50, 64 * M, 1 * M, 1000},    // bounded
		{50, 64 * M, 0, 1000},        // nothing live yet
		{200, 64 * M, 64 * M, 200},   // percent gives more
		{50, 0, 1 * M, 50},           // no headroom: percent
		{50, 1 << 40, 1 << 20, 1000}, // no overflow
	} {
		if got := gcPercentFor(c.percent, c.minHeadroom, c.base); got != c.want {
			t.Errorf("gcPercentFor(%d, %d, %d) = %d, want %d", c.percent, c.minHeadroom, c.base, got, c.want)
		}
	}
}
