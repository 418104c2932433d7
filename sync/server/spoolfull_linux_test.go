package server_test

import (
	"net/http"
	"testing"

	"tracer/survey"
	"tracer/sync/server"
	"tracer/sync/testbed"
)

// TestSpoolOnAFullDisk: a body that must go to a spool file on a full disk is refused with
// 507 disk_full, saying who must act, and leaves no file behind; once there is room, the
// laptop's sync lands.
func TestSpoolOnAFullDisk(t *testing.T) {
	disk := testbed.SmallDisk(t, 1<<20)
	env := testbed.NewEnv(t, func(c *server.Config) { c.MaxBody, c.MaxReceiving, c.TempDir = 300000, 1, disk }, nil)
	addr := env.HTTP.Listener.Addr().String()
	for _, name := range []string{"eve", "bob"} {
		heldBody(t, addr, testbed.Token(t, env.Users, name, survey.RoleEnumerator), 300000, 256<<10)
	}
	waitReceived(t, env.Server, 2*256<<10, 0)
	free := testbed.FillDisk(t, disk)
	tok := testbed.Token(t, env.Users, "ani", survey.RoleEnumerator)
	status, e, _ := postRaw(t, env.URL, "/api/v1/interviews/push", tok, paddedPush(100000), false)
	if status != http.StatusInsufficientStorage || e.Code != survey.EFULL || e.Message != "The server's disk is full: its administrator must free disk space. Nothing sent before is lost; laptops keep what they could not send and sync again later." {
		t.Fatalf("a spooled body on a full disk: %d %+v", status, e)
	}
	waitReceived(t, env.Server, 2*256<<10, 0)
	if files := spoolFiles(t, disk); len(files) != 0 {
		t.Fatalf("spool files left: %v", files)
	}
	free()
	lap := testbed.NewLaptop(t)
	want, err := testbed.Seed(t.Context(), lap.Interviews, "ani", 3)
	if err != nil {
		t.Fatal(err)
	}
	if sum := syncOnce(t, newClient(t, env.URL, tok), lap); sum.Count(survey.OutcomeStored) != 3 {
		t.Fatalf("summary %+v", sum)
	}
	testbed.CheckSame(t, env.Subs, want, lap)
}
