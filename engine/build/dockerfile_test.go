package build

import "testing"

func TestWithImageContexts(t *testing.T) {
	in := "# FROM base is a comment\n" +
		"ARG V=1\n" +
		"FROM --platform=linux/amd64 base AS build\n" +
		"FROM Base\n" +
		"COPY --from=base /a /a\n" +
		"COPY --from=build /b /b\n" +
		"RUN --mount=type=bind,from=tools,source=/x,target=/x true\n" +
		"FROM other\n"
	want := "# FROM base is a comment\n" +
		"ARG V=1\n" +
		"FROM --platform=linux/amd64 proj-base:latest AS build\n" +
		"FROM proj-base:latest\n" +
		"COPY --from=proj-base:latest /a /a\n" +
		"COPY --from=build /b /b\n" +
		"RUN --mount=type=bind,from=envctl-test/tools,source=/x,target=/x true\n" +
		"FROM other\n"
	got := WithImageContexts(in, map[string]string{"base": "proj-base:latest", "tools": "envctl-test/tools"})
	if got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
}
