package main

import (
	"cmp"
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

type searchRequest struct {
	match matcher
	sort  []sortKey
	size  int
	from  int
}

type sortKey struct {
	field string // "_doc" sorts by write order; "_score" is a no-op here
	desc  bool
}

var searchBodyKeys = map[string]bool{"query": true, "sort": true, "size": true, "from": true, "track_total_hits": true, "_source": true}

// parseSearch reads a search body (may be empty) and the URL parameters
// size, from and sort=field:order, which win over the body as in
// Elasticsearch.
func parseSearch(body []byte, params url.Values) (*searchRequest, error) {
	req := &searchRequest{size: 10}
	var obj map[string]any
	if len(strings.TrimSpace(string(body))) > 0 {
		v, err := decodeAny(body)
		if err != nil {
			return nil, parsingError("request body is not valid JSON: " + err.Error())
		}
		var ok bool
		if obj, ok = v.(map[string]any); !ok {
			return nil, parsingError("request body must be a JSON object")
		}
	}
	for key := range obj {
		if !searchBodyKeys[key] {
			return nil, parsingError(fmt.Sprintf("unknown key [%s] in the search body: the Elasticsearch stand-in supports query, sort, size and from", key))
		}
	}
	m, err := compileQuery(obj["query"])
	if err != nil {
		return nil, err
	}
	req.match = m
	if req.sort, err = parseSort(obj["sort"]); err != nil {
		return nil, err
	}
	if req.size, err = intOption(obj, params, "size", 10); err != nil {
		return nil, err
	}
	if req.from, err = intOption(obj, params, "from", 0); err != nil {
		return nil, err
	}
	if req.size < 0 || req.from < 0 || req.from+req.size > 10000 {
		return nil, &esError{status: 400, typ: "illegal_argument_exception", reason: "from and size must be >= 0 and from + size <= 10000"}
	}
	if s := params.Get("sort"); s != "" {
		req.sort = nil
		for _, part := range strings.Split(s, ",") {
			field, order, _ := strings.Cut(part, ":")
			req.sort = append(req.sort, sortKey{field: field, desc: order == "desc"})
		}
	}
	if params.Has("q") {
		return nil, &esError{status: 400, typ: "illegal_argument_exception", reason: "the Elasticsearch stand-in does not implement q= searches; send a query body"}
	}
	return req, nil
}

func intOption(obj map[string]any, params url.Values, key string, def int) (int, error) {
	if s := params.Get(key); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil {
			return 0, parsingError(fmt.Sprintf("[%s] must be an integer", key))
		}
		return n, nil
	}
	v, ok := obj[key]
	if !ok {
		return def, nil
	}
	num, ok := v.(json.Number)
	if !ok {
		return 0, parsingError(fmt.Sprintf("[%s] must be an integer", key))
	}
	n, err := strconv.Atoi(num.String())
	if err != nil {
		return 0, parsingError(fmt.Sprintf("[%s] must be an integer", key))
	}
	return n, nil
}

// parseSort accepts "f", {"f": "desc"}, {"f": {"order": "desc"}} and lists
// of those.
func parseSort(v any) ([]sortKey, error) {
	if v == nil {
		return nil, nil
	}
	list, ok := v.([]any)
	if !ok {
		list = []any{v}
	}
	var keys []sortKey
	for _, item := range list {
		switch x := item.(type) {
		case string:
			keys = append(keys, sortKey{field: x, desc: x == "_score"})
		case map[string]any:
			for field, spec := range x {
				order := ""
				switch s := spec.(type) {
				case string:
					order = s
				case map[string]any:
					order, _ = s["order"].(string)
				default:
					return nil, parsingError(fmt.Sprintf("sort on [%s] malformed", field))
				}
				if order != "" && order != "asc" && order != "desc" {
					return nil, parsingError(fmt.Sprintf("sort order [%s] on [%s]: want asc or desc", order, field))
				}
				keys = append(keys, sortKey{field: field, desc: order == "desc" || (order == "" && field == "_score")})
			}
		default:
			return nil, parsingError("sort must be a string, an object or a list of those")
		}
	}
	return keys, nil
}

type hit struct {
	Index  string          `json:"_index"`
	ID     string          `json:"_id"`
	Score  *float64        `json:"_score"`
	Source json.RawMessage `json:"_source"`
	Sort   []any           `json:"sort,omitempty"`
}

func runSearch(indexName string, docs []*document, req *searchRequest) map[string]any {
	var matched []*document
	for _, d := range docs {
		if req.match(d.parsed) {
			matched = append(matched, d)
		}
	}
	if len(req.sort) > 0 {
		slices.SortStableFunc(matched, func(a, b *document) int { return compareDocs(a, b, req.sort) })
	}
	page := matched[min(req.from, len(matched)):min(req.from+req.size, len(matched))]
	hits := make([]hit, 0, len(page))
	var maxScore *float64
	one := 1.0
	if len(req.sort) == 0 && len(matched) > 0 {
		maxScore = &one
	}
	for _, d := range page {
		h := hit{Index: indexName, ID: d.id, Source: d.source}
		if len(req.sort) == 0 {
			h.Score = &one
		} else {
			for _, k := range req.sort {
				h.Sort = append(h.Sort, sortValue(d, k.field))
			}
		}
		hits = append(hits, h)
	}
	return map[string]any{
		"took":      0,
		"timed_out": false,
		"_shards":   map[string]int{"total": 1, "successful": 1, "skipped": 0, "failed": 0},
		"hits": map[string]any{
			"total":     map[string]any{"value": len(matched), "relation": "eq"},
			"max_score": maxScore,
			"hits":      hits,
		},
	}
}

func sortValue(d *document, field string) any {
	switch field {
	case "_doc":
		return d.seq
	case "_score":
		return 1.0
	}
	vals := fieldValues(d.parsed, field)
	if len(vals) == 0 {
		return nil
	}
	return vals[0]
}

// compareDocs orders by each key in turn; documents without the field go
// last whatever the order, as Elasticsearch's default missing:_last does.
func compareDocs(a, b *document, keys []sortKey) int {
	for _, k := range keys {
		var c int
		switch k.field {
		case "_score":
			continue
		case "_doc":
			c = cmp.Compare(a.seq, b.seq)
		default:
			av, bv := fieldValues(a.parsed, k.field), fieldValues(b.parsed, k.field)
			switch {
			case len(av) == 0 && len(bv) == 0:
				continue
			case len(av) == 0:
				return 1
			case len(bv) == 0:
				return -1
			}
			c = compareValues(av[0], bv[0])
		}
		if k.desc {
			c = -c
		}
		if c != 0 {
			return c
		}
	}
	return 0
}

// compareValues compares as times if both are RFC 3339 timestamps, as
// numbers if both are numbers, and as strings otherwise.
func compareValues(a, b string) int {
	if ta, err := time.Parse(time.RFC3339Nano, a); err == nil {
		if tb, err := time.Parse(time.RFC3339Nano, b); err == nil {
			return ta.Compare(tb)
		}
	}
	if fa, err := strconv.ParseFloat(a, 64); err == nil {
		if fb, err := strconv.ParseFloat(b, 64); err == nil {
			return cmp.Compare(fa, fb)
		}
	}
	return strings.Compare(a, b)
}
