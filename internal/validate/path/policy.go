package path

import (
	"sort"
)

// anyPolicy is the special policy OID 2.5.29.32.0.
const anyPolicy = "2.5.29.32.0"

// policyNode is a node of the valid_policy_graph (RFC 9618 §3): a policy
// valid at one depth, the policies it expects in the next certificate, and
// the nodes at the depth above whose expectations it satisfies.
type policyNode struct {
	policy   string
	expected map[string]bool
	parents  []*policyNode
}

// policyLevel is the nodes of one depth, by valid_policy.
type policyLevel map[string]*policyNode

// policyGraph is the valid_policy_graph: RFC 5280's valid_policy_tree with
// the nodes of equal valid_policy at each depth merged, so its size is
// bounded by the number of policies asserted rather than growing
// exponentially (RFC 9618). A nil *policyGraph is the NULL tree.
type policyGraph struct {
	levels []policyLevel
}

// newPolicyGraph is the initial graph of §6.1.2 (a): one anyPolicy node at
// depth 0 expecting anyPolicy.
func newPolicyGraph() *policyGraph {
	root := &policyNode{policy: anyPolicy, expected: map[string]bool{anyPolicy: true}}
	return &policyGraph{levels: []policyLevel{{anyPolicy: root}}}
}

// sortedKeys returns the policies of a level in a fixed order, so that
// results do not depend on map iteration.
func sortedKeys(l policyLevel) []string {
	out := make([]string, 0, len(l))
	for k := range l {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// addCertificate runs §6.1.3 (d) for a certificate asserting policies;
// anyAllowed is "inhibit_anyPolicy > 0, or i < n and the certificate is
// self-issued". It returns nil when the graph becomes NULL.
func (g *policyGraph) addCertificate(policies []string, anyAllowed bool) *policyGraph {
	prev := g.levels[len(g.levels)-1]
	// Index the previous depth by expected policy once, so the work stays
	// linear in the policies asserted (RFC 9618 §4).
	expecting := map[string][]*policyNode{}
	for _, k := range sortedKeys(prev) {
		n := prev[k]
		for e := range n.expected {
			expecting[e] = append(expecting[e], n)
		}
	}
	cur := policyLevel{}
	hasAny := false
	for _, p := range policies {
		if p == anyPolicy {
			hasAny = true
			continue
		}
		if cur[p] != nil {
			continue
		}
		// (d)(1)(i): a child of every node expecting p; (d)(1)(ii):
		// otherwise a child of the anyPolicy node.
		parents := expecting[p]
		if len(parents) == 0 && prev[anyPolicy] != nil {
			parents = []*policyNode{prev[anyPolicy]}
		}
		if len(parents) > 0 {
			cur[p] = &policyNode{policy: p, expected: map[string]bool{p: true}, parents: parents}
		}
	}
	if hasAny && anyAllowed {
		// (d)(2): every expected policy not matched yet, as a child of the
		// nodes expecting it; anyPolicy's own expectation gives the
		// anyPolicy child.
		for e, parents := range expecting {
			if cur[e] == nil {
				cur[e] = &policyNode{policy: e, expected: map[string]bool{e: true}, parents: parents}
			}
		}
	}
	g.levels = append(g.levels, cur)
	// (d)(3): prune nodes left without children.
	return g.prune()
}

// prune deletes, from the deepest level up, nodes without children; the
// graph is NULL once the deepest level is empty.
func (g *policyGraph) prune() *policyGraph {
	last := len(g.levels) - 1
	if len(g.levels[last]) == 0 {
		return nil
	}
	for d := last - 1; d >= 0; d-- {
		hasChild := map[*policyNode]bool{}
		for _, n := range g.levels[d+1] {
			for _, p := range n.parents {
				hasChild[p] = true
			}
		}
		for k, n := range g.levels[d] {
			if !hasChild[n] {
				delete(g.levels[d], k)
			}
		}
	}
	return g
}

// applyMappings runs §6.1.4 (b) for a certificate's policy mappings
// (issuer-domain policy → subject-domain policies). With mapping allowed it
// rewrites expectations, creating the issuer-domain node under anyPolicy
// when needed; inhibited, it deletes the mapped nodes. It returns nil when
// the graph becomes NULL.
func (g *policyGraph) applyMappings(mappings map[string][]string, order []string, allowed bool) *policyGraph {
	last := len(g.levels) - 1
	cur := g.levels[last]
	for _, idp := range order {
		sdps := mappings[idp]
		if !allowed {
			delete(cur, idp) // (b)(2)
			continue
		}
		exp := map[string]bool{}
		for _, s := range sdps {
			exp[s] = true
		}
		if n := cur[idp]; n != nil { // (b)(1)
			n.expected = exp
		} else if a := cur[anyPolicy]; a != nil {
			cur[idp] = &policyNode{policy: idp, expected: exp, parents: a.parents}
		}
	}
	if !allowed {
		return g.prune()
	}
	return g
}

// authoritySet computes the authorities-constrained policy set of
// RFC 9618's §6.1.5 (g): nodes whose only parent is anyPolicy, plus
// anyPolicy itself when it survives to depth n.
func (g *policyGraph) authoritySet() []string {
	if g == nil {
		return nil
	}
	set := map[string]bool{}
	for d := 1; d < len(g.levels); d++ {
		for p, n := range g.levels[d] {
			if p != anyPolicy && len(n.parents) == 1 && n.parents[0].policy == anyPolicy {
				set[p] = true
			}
		}
	}
	if g.levels[len(g.levels)-1][anyPolicy] != nil {
		set[anyPolicy] = true
	}
	out := make([]string, 0, len(set))
	for p := range set {
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}

// userConstrained intersects the authorities-constrained set with the
// user-initial-policy-set (§6.1.5 (g)(iii) as RFC 9618 restates it).
func userConstrained(authority, initial []string) []string {
	init := map[string]bool{}
	for _, p := range initial {
		init[p] = true
	}
	if init[anyPolicy] {
		return authority
	}
	set := map[string]bool{}
	for _, p := range authority {
		if p == anyPolicy {
			for q := range init {
				set[q] = true
			}
		} else if init[p] {
			set[p] = true
		}
	}
	out := make([]string, 0, len(set))
	for p := range set {
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}
