package project

import (
	"slices"
	"strings"
	"testing"
)

// The shape of the book's example: services at the top level, build, links with
// aliases, expose and ports.
const bookLegacy = `registry:
  build: ./registry
  ports: ["5555:5000"]
  links: ["pump:webhookmonitor"]
pump:
  build: ./pump
  expose: ["8000"]
  links: ["elasticsearch:esnode"]
  net: bridge
elasticsearch:
  image: elasticsearch:1.6
  log_driver: json-file
  log_opt: {max-size: 1m}
`

func TestLegacyFormatLoadsWithItsMeaning(t *testing.T) {
	dir := write(t, map[string]string{
		"docker-compose.yml":  strings.Replace(bookLegacy, "  net: bridge\n", "", 1),
		"registry/Dockerfile": "FROM scratch\n",
		"pump/Dockerfile":     "FROM scratch\n",
	})
	p := load(t, Options{ProjectDir: dir})
	if !p.Legacy || len(p.Warnings) != 1 || !strings.Contains(p.Warnings[0], "legacy Compose format") {
		t.Fatalf("legacy %v warnings %q", p.Legacy, p.Warnings)
	}
	pump := p.Services["pump"]
	if got := pump.Networks["default"]; got == nil || !slices.Equal(got.Aliases, []string{"webhookmonitor"}) {
		t.Errorf("pump aliases on default network: %+v", got)
	}
	es := p.Services["elasticsearch"]
	if got := es.Networks["default"]; got == nil || !slices.Equal(got.Aliases, []string{"esnode"}) {
		t.Errorf("elasticsearch aliases: %+v", got)
	}
	if es.Logging == nil || es.Logging.Driver != "json-file" || es.Logging.Options["max-size"] != "1m" {
		t.Errorf("log_driver/log_opt not translated: %+v", es.Logging)
	}
	reg := p.Services["registry"]
	if reg.Build == nil || len(reg.Ports) != 1 || reg.Ports[0].Target != 5000 || !slices.Equal(reg.Links, []string{"pump:webhookmonitor"}) {
		t.Errorf("registry: %+v", reg)
	}
	if got := p.ContainerName(reg, 1); got != p.Name+"_registry_1" {
		t.Errorf("legacy container name %q", got)
	}
	if got := p.ImageName(reg); got != p.Name+"_registry" {
		t.Errorf("legacy image name %q", got)
	}
	if len(p.Networks) != 1 || p.Networks["default"].Name != p.Name+"_default" {
		t.Errorf("networks %+v", p.Networks)
	}
}

func TestLegacyNetTranslated(t *testing.T) {
	dir := write(t, map[string]string{
		"docker-compose.yml": "web:\n  image: web\n  net: host\n",
	})
	p := load(t, Options{ProjectDir: dir})
	if got := p.Services["web"].NetworkMode; got != "host" {
		t.Errorf("net: host became network_mode %q", got)
	}
}

func TestSpecFormatIsNotLegacy(t *testing.T) {
	dir := write(t, map[string]string{"compose.yaml": "services:\n  web: {image: web}\n"})
	p := load(t, Options{ProjectDir: dir})
	if p.Legacy || len(p.Warnings) != 0 {
		t.Errorf("legacy %v warnings %v", p.Legacy, p.Warnings)
	}
	if got := p.ContainerName(p.Services["web"], 2); got != p.Name+"-web-2" {
		t.Errorf("container name %q", got)
	}
}

func TestTopLevelTypoIsNotTakenForLegacy(t *testing.T) {
	if isLegacy(map[string]any{"service": map[string]any{"web": map[string]any{"image": "x"}}}) {
		t.Error("a misspelt services key must not be read as a legacy service")
	}
	if !isLegacy(map[string]any{"web": map[string]any{"image": "x"}}) {
		t.Error("a top-level service with image is legacy")
	}
}
