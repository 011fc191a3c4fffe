package convert

import "testing"

// A container whose IPC namespace another service joins must be created
// shareable: the engine's default (private) refuses the join at start.
func TestIpcDonorIsShareable(t *testing.T) {
	p := load(t, `services:
  donor:
    image: app
  joiner:
    image: app
    ipc: service:donor
  alone:
    image: app
  own:
    image: app
    ipc: host
`)
	for svc, want := range map[string]string{"donor": "shareable", "joiner": "container:id-of-donor", "alone": "", "own": "host"} {
		if got := string(convert(t, p, svc, "1.41").Host.IpcMode); got != want {
			t.Errorf("%s: ipc mode %q, want %q", svc, got, want)
		}
	}
}

// Long-syntax tmpfs is given as HostConfig.Tmpfs: a tmpfs mount would make
// volumes_from of the container fail on engine 20.10.
func TestTmpfsVolumeOptions(t *testing.T) {
	p := load(t, `services:
  app:
    image: app
    volumes:
      - {type: tmpfs, target: /a, tmpfs: {size: 2m, mode: 0o1777}}
      - {type: tmpfs, target: /b, read_only: true}
`)
	h := convert(t, p, "app", "1.41").Host
	if h.Tmpfs["/a"] != "size=2097152,mode=1777" || h.Tmpfs["/b"] != "ro" {
		t.Errorf("tmpfs %v", h.Tmpfs)
	}
	for _, m := range h.Mounts {
		if m.Type == "tmpfs" {
			t.Errorf("tmpfs as a mount: %+v", m)
		}
	}
}
