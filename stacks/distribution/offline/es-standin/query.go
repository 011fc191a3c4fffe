package main

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
)

// matcher reports whether a decoded _source matches a query.
type matcher func(doc any) bool

// supportedQueries is the query DSL subset implemented here. Every field is
// treated as an Elasticsearch keyword: exact, case-sensitive unless the query
// says case_insensitive, no analysis and no scoring.
var supportedQueries = []string{"bool", "exists", "match_all", "match_none", "prefix", "term", "terms", "wildcard"}

func compileQuery(q any) (matcher, error) {
	if q == nil {
		return func(any) bool { return true }, nil
	}
	obj, ok := q.(map[string]any)
	if !ok || len(obj) != 1 {
		return nil, parsingError("a query must be an object with exactly one query type")
	}
	for kind, body := range obj {
		switch kind {
		case "match_all":
			return func(any) bool { return true }, nil
		case "match_none":
			return func(any) bool { return false }, nil
		case "bool":
			return compileBool(body)
		case "term":
			return compileLeaf(kind, body, "value", func(want string) func(string) bool {
				return func(v string) bool { return v == want }
			})
		case "prefix":
			return compileLeaf(kind, body, "value", func(want string) func(string) bool {
				return func(v string) bool { return strings.HasPrefix(v, want) }
			})
		case "wildcard":
			return compileLeaf(kind, body, "value", func(pattern string) func(string) bool {
				return func(v string) bool { return wildcardMatch(pattern, v) }
			})
		case "terms":
			return compileTerms(body)
		case "exists":
			return compileExists(body)
		default:
			return nil, parsingError(fmt.Sprintf("unknown query [%s]: the Elasticsearch stand-in implements only %s",
				kind, strings.Join(supportedQueries, ", ")))
		}
	}
	panic("unreachable")
}

func compileBool(body any) (matcher, error) {
	obj, ok := body.(map[string]any)
	if !ok {
		return nil, parsingError("[bool] query malformed, expected an object")
	}
	clauses := map[string][]matcher{}
	for key, v := range obj {
		switch key {
		case "must", "filter", "must_not", "should":
			list, ok := v.([]any)
			if !ok {
				list = []any{v}
			}
			for _, sub := range list {
				m, err := compileQuery(sub)
				if err != nil {
					return nil, err
				}
				clauses[key] = append(clauses[key], m)
			}
		case "minimum_should_match", "boost", "_name":
		default:
			return nil, parsingError(fmt.Sprintf("[bool] query does not support [%s]", key))
		}
	}
	required := append(clauses["must"], clauses["filter"]...)
	mustNot, should := clauses["must_not"], clauses["should"]
	// As in Elasticsearch: should clauses only filter when nothing else does.
	needShould := len(should) > 0 && len(required) == 0
	return func(doc any) bool {
		for _, m := range required {
			if !m(doc) {
				return false
			}
		}
		for _, m := range mustNot {
			if m(doc) {
				return false
			}
		}
		if needShould {
			return slices.ContainsFunc(should, func(m matcher) bool { return m(doc) })
		}
		return true
	}, nil
}

// compileLeaf handles {"field": "v"} and {"field": {"value": "v",
// "case_insensitive": true}} for term, prefix and wildcard.
func compileLeaf(kind string, body any, valueKey string, test func(string) func(string) bool) (matcher, error) {
	field, spec, err := singleField(kind, body)
	if err != nil {
		return nil, err
	}
	raw := spec
	insensitive := false
	if opts, ok := spec.(map[string]any); ok {
		raw, ok = opts[valueKey]
		if !ok && kind == "wildcard" {
			raw, ok = opts["wildcard"]
		}
		if !ok {
			return nil, parsingError(fmt.Sprintf("[%s] query on [%s] needs a [%s]", kind, field, valueKey))
		}
		insensitive, _ = opts["case_insensitive"].(bool)
	}
	want, ok := scalar(raw)
	if !ok {
		return nil, parsingError(fmt.Sprintf("[%s] query on [%s] needs a string, number or boolean value", kind, field))
	}
	if insensitive {
		want = strings.ToLower(want)
	}
	matches := test(want)
	return func(doc any) bool {
		for _, v := range fieldValues(doc, field) {
			if insensitive {
				v = strings.ToLower(v)
			}
			if matches(v) {
				return true
			}
		}
		return false
	}, nil
}

func compileTerms(body any) (matcher, error) {
	field, spec, err := singleField("terms", body)
	if err != nil {
		return nil, err
	}
	list, ok := spec.([]any)
	if !ok {
		return nil, parsingError("[terms] query needs an array of values")
	}
	want := map[string]bool{}
	for _, v := range list {
		s, ok := scalar(v)
		if !ok {
			return nil, parsingError("[terms] values must be strings, numbers or booleans")
		}
		want[s] = true
	}
	return func(doc any) bool {
		return slices.ContainsFunc(fieldValues(doc, field), func(v string) bool { return want[v] })
	}, nil
}

func compileExists(body any) (matcher, error) {
	obj, ok := body.(map[string]any)
	field, _ := obj["field"].(string)
	if !ok || field == "" {
		return nil, parsingError("[exists] query needs a [field]")
	}
	return func(doc any) bool { return len(fieldValues(doc, field)) > 0 }, nil
}

func singleField(kind string, body any) (string, any, error) {
	obj, ok := body.(map[string]any)
	if !ok || len(obj) != 1 {
		return "", nil, parsingError(fmt.Sprintf("[%s] query must name exactly one field", kind))
	}
	for f, v := range obj {
		return f, v, nil
	}
	panic("unreachable")
}

// fieldValues returns the scalar values at a dotted path, looking through
// arrays, and accepting dotted keys as Elasticsearch does.
func fieldValues(doc any, path string) []string {
	var out []string
	var walk func(v any, rest string)
	walk = func(v any, rest string) {
		switch x := v.(type) {
		case []any:
			for _, e := range x {
				walk(e, rest)
			}
		case map[string]any:
			if rest == "" {
				return
			}
			for key, child := range x {
				if key == rest {
					walk(child, "")
				} else if strings.HasPrefix(rest, key+".") {
					walk(child, rest[len(key)+1:])
				}
			}
		default:
			if rest == "" {
				if s, ok := scalar(x); ok {
					out = append(out, s)
				}
			}
		}
	}
	walk(doc, path)
	return out
}

func scalar(v any) (string, bool) {
	switch x := v.(type) {
	case string:
		return x, true
	case json.Number:
		return x.String(), true
	case bool:
		if x {
			return "true", true
		}
		return "false", true
	}
	return "", false
}

// wildcardMatch implements Elasticsearch wildcard patterns: * is any run of
// characters, ? is one character, a backslash escapes the next one.
func wildcardMatch(pattern, s string) bool {
	p, str := []rune(pattern), []rune(s)
	var match func(pi, si int) bool
	memo := map[[2]int]bool{}
	match = func(pi, si int) bool {
		key := [2]int{pi, si}
		if v, ok := memo[key]; ok {
			return v
		}
		var res bool
		switch {
		case pi == len(p):
			res = si == len(str)
		case p[pi] == '*':
			res = match(pi+1, si) || (si < len(str) && match(pi, si+1))
		case p[pi] == '?':
			res = si < len(str) && match(pi+1, si+1)
		case p[pi] == '\\' && pi+1 < len(p):
			res = si < len(str) && str[si] == p[pi+1] && match(pi+2, si+1)
		default:
			res = si < len(str) && str[si] == p[pi] && match(pi+1, si+1)
		}
		memo[key] = res
		return res
	}
	return match(0, 0)
}
