/* change.c - membership changes: the new charter that a request asks for. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../keys/keys.h"
#include "../proto/names.h"
#include "change.h"
#include "derr.h"

void
change_free(change_t *c)
{
	free(c->orgs);
	free(c->people);
	free(c->removed);
	if (c->have_m)
		ch_member_clear(&c->m);
	if (c->have_pr)
		ch_personreq_clear(&c->pr);
	memset(c, 0, sizeof(*c));
}

/* The new charter starts as a copy of cur, with room for one more of each. */
static int
copy_charter(change_t *c, const ch_charter_t *cur)
{
	c->ep.charter = *cur;
	c->orgs = calloc(cur->norgs + 2, sizeof(*c->orgs));
	c->people = calloc(cur->npeople + 2, sizeof(*c->people));
	c->removed = calloc(cur->nremoved + 2, sizeof(*c->removed));
	if (!c->orgs || !c->people || !c->removed)
		return CH_ERR_NOMEM;
	if (cur->norgs)
		memcpy(c->orgs, cur->orgs, cur->norgs * sizeof(*c->orgs));
	if (cur->npeople)
		memcpy(c->people, cur->people, cur->npeople * sizeof(*c->people));
	if (cur->nremoved)
		memcpy(c->removed, cur->removed, cur->nremoved * sizeof(*c->removed));
	c->ep.charter.orgs = c->orgs;
	c->ep.charter.people = c->people;
	c->ep.charter.removed = c->removed;
	return 0;
}

static int
add_org(change_t *c, const ch_plain_t *p, why_t *why)
{
	ch_charter_t *ch = &c->ep.charter;
	keys_card_t card;

	c->ep.why = CH_WHY_ADD;
	if (ch_member_decode(p->fields, p->fieldslen, &c->m) != 0) {
		why_set(why, "malformed member addition");
		return DERR_REFUSED;
	}
	c->have_m = 1;
	if (ch_role_is_person(c->m.role)) {
		why_set(why, "'%s' is a role of the people around the person, "
		    "not of an organization", c->m.role);
		return DERR_REFUSED;
	}
	if (!ch_role_known(c->m.role)) {
		why_set(why, "unknown role '%s' (one of: %s)", c->m.role, ch_roles_text());
		return DERR_REFUSED;
	}
	if (keys_card_parse(c->m.card, c->m.cardlen, &card) != 0) {
		why_set(why, "the member's card does not verify");
		return DERR_REFUSED;
	}
	int rc = 0;
	if (ch_charter_find_org(ch, card.org_id) >= 0) {
		why_set(why, "%s is a member already", card.name);
		rc = DERR_REFUSED;
	}
	for (size_t i = 0; !rc && i < ch->nremoved; i++)
		if (memcmp(ch->removed[i].org, card.org_id, 32) == 0) {
			why_set(why, "%s was removed from this case; removals are final",
			    card.name);
			rc = DERR_REFUSED;
		}
	if (!rc) {
		memcpy(c->ep.subject, card.org_id, 32);
		memcpy(c->orgs[ch->norgs].org, card.org_id, 32);
		c->orgs[ch->norgs].card = c->m.card;
		c->orgs[ch->norgs].cardlen = c->m.cardlen;
		c->orgs[ch->norgs].role = c->m.role;
		ch->norgs++;
	}
	keys_card_clear(&card);
	return rc;
}

static int
remove_or_hand_over(change_t *c, const uint8_t self[32], const ch_plain_t *p,
    change_cut_fn cut, void *arg, why_t *why)
{
	ch_charter_t *ch = &c->ep.charter;
	uint8_t org[32];

	c->ep.why = p->kind == CH_REQ_REMOVE_ORG ? CH_WHY_REMOVE : CH_WHY_HANDOVER;
	if (ch_orgref_decode(p->fields, p->fieldslen, org) != 0) {
		why_set(why, "malformed request");
		return DERR_REFUSED;
	}
	int i = ch_charter_find_org(ch, org);
	if (i < 0) {
		why_set(why, "that organization is not a member of the case");
		return DERR_REFUSED;
	}
	if (memcmp(org, self, 32) == 0) {
		if (c->ep.why == CH_WHY_REMOVE)
			why_set(why, "the coordinator cannot remove itself: hand coordination "
			    "over first");
		else
			why_set(why, "this organization coordinates the case already");
		return DERR_REFUSED;
	}
	memcpy(c->ep.subject, org, 32);
	if (c->ep.why == CH_WHY_HANDOVER) {
		memcpy(ch->coordinator, org, 32);
		return 0;
	}
	/* The others keep their order: every daemon recomputes this charter
	 * and compares it byte for byte (ingest.c). */
	memmove(&c->orgs[i], &c->orgs[i + 1], (ch->norgs - (size_t)i - 1) * sizeof(*c->orgs));
	ch->norgs--;
	memcpy(c->removed[ch->nremoved].org, org, 32);
	cut(arg, org, &c->removed[ch->nremoved].last_seq, c->removed[ch->nremoved].last_id);
	ch->nremoved++;
	return 0;
}

static int
change_people(change_t *c, const ch_plain_t *p, uint64_t now_s, why_t *why)
{
	ch_charter_t *ch = &c->ep.charter;
	size_t j = 0;
	int found = 0;

	c->ep.why = CH_WHY_PEOPLE;
	if (ch_personreq_decode(p->fields, p->fieldslen, &c->pr) != 0) {
		why_set(why, "malformed person record");
		return DERR_REFUSED;
	}
	c->have_pr = 1;
	if (!ch_role_is_person(c->pr.person.role)) {
		why_set(why, "'%s' is not a role of the people around the person "
		    "(patient, trusted-person, representative, informal-carer, contact-point, "
		    "deputy-contact-point)", c->pr.person.role);
		return DERR_REFUSED;
	}
	if (c->pr.op == CH_PERSON_SET && c->pr.person.valid_until &&
	    c->pr.person.valid_until <= now_s) {
		why_set(why, "the end date of that access is already past");
		return DERR_REFUSED;
	}
	for (size_t i = 0; i < ch->npeople; i++) {
		int same = strcmp(c->people[i].role, c->pr.person.role) == 0 &&
		    strcmp(c->people[i].name, c->pr.person.name) == 0;
		if (same) {
			found = 1;
			if (c->pr.op == CH_PERSON_REMOVE)
				continue;
			c->people[j++] = c->pr.person;
			continue;
		}
		c->people[j++] = c->people[i];
	}
	if (!found && c->pr.op == CH_PERSON_REMOVE) {
		why_set(why, "no %s of that name in this case", c->pr.person.role);
		return DERR_REFUSED;
	}
	if (!found)
		c->people[j++] = c->pr.person;
	ch->npeople = j;
	return 0;
}

int
change_make(const ch_charter_t *cur, const uint8_t self[32],
    const uint8_t *req, size_t reqlen, const ch_plain_t *p, uint64_t now_s,
    change_cut_fn cut, void *arg, change_t *out, why_t *why)
{
	int rc;

	memset(out, 0, sizeof(*out));
	why->len = 0;
	if ((rc = copy_charter(out, cur)) != 0)
		return rc;
	out->ep.request = req;
	out->ep.requestlen = reqlen;
	switch (p->kind) {
	case CH_REQ_ADD_ORG:
		rc = add_org(out, p, why);
		break;
	case CH_REQ_REMOVE_ORG:
	case CH_REQ_HANDOVER:
		rc = remove_or_hand_over(out, self, p, cut, arg, why);
		break;
	case CH_REQ_ROTATE:
		out->ep.why = CH_WHY_ROTATE;
		break;
	case CH_REQ_PERSON:
		rc = change_people(out, p, now_s, why);
		break;
	default: {
		char kind[WHY_NUM_LEN];
		why_set(why, "providers cannot post requests of kind %s", why_num(kind, p->kind));
		rc = DERR_REFUSED;
	}
	}
	return rc;
}
