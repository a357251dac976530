/* kinds_fixture.h - one full, valid ch_fields_t of every care kind, with
 * fixed invented Brussels care content (Dutch, French, one Arabic name),
 * shared by tests/test_kinds.c (the vectors of PROTOCOL.md),
 * tests/test_render.c and tests/fuzz/mkseeds.c (the seeds). Everything is
 * malloc'd, so ch_fields_clear() releases it. Org and entry ids are fixed
 * byte patterns: kfix_org(i) is the org of kfix_org_names[i]. */
#ifndef CAHIER_KINDS_FIXTURE_H
#define CAHIER_KINDS_FIXTURE_H

#include <stdlib.h>
#include <string.h>

#include "../proto/kinds.h"

/* The organizations of the fixtures (their ids: 32 bytes 0xa0 + i). */
enum { KFIX_NURSING, KFIX_CPAS, KFIX_HOSPITAL, KFIX_PTZ, KFIX_COORD, KFIX_NORGS };
static const char *const kfix_org_names[KFIX_NORGS] = {
	"Thuisverpleging Brussel",
	"CPAS de Saint-Gilles",
	"Hôpital Saint-Pierre, service social",
	"PTZ-team Brussel-Zuid",
	"Coordination Bruxelles-Centre",
};

#define KFIX_T_DUE UINT64_C(1796461200000)      /* 2026-12-05 09:00 UTC */
#define KFIX_T_APPT UINT64_C(1796740200000)     /* 2026-12-08 14:30 UTC */
#define KFIX_T_FROM UINT64_C(1768435200000)     /* 2026-01-15 00:00 UTC */
#define KFIX_T_UNTIL UINT64_C(1799971200000)    /* 2027-01-15 00:00 UTC */
#define KFIX_T_ANSWER UINT64_C(1797094800000)   /* 2026-12-12 17:00 UTC */
#define KFIX_T_DECIDE UINT64_C(1801353600000)   /* 2027-01-31 00:00 UTC */

static inline void
kfix_org(int i, uint8_t out[32])
{
	memset(out, 0xa0 + i, 32);
}

/* Entry ids: 32 bytes 0xe0 + i. */
static inline void
kfix_entry(int i, uint8_t out[32])
{
	memset(out, 0xe0 + i, 32);
}

static inline char *
kfix_dup(const char *s)
{
	char *d = strdup(s);
	if (!d)
		abort();
	return d;
}

/* A list of n orgs, by their fixture numbers. */
static inline void
kfix_orgs(ch_orgs_t *o, size_t n, const int *which)
{
	o->n = n;
	o->id = n ? malloc(n * 32) : NULL;
	if (n && !o->id)
		abort();
	for (size_t i = 0; i < n; i++)
		kfix_org(which[i], o->id[i]);
}

/* Fills *f with the fixture of kind (1..14). */
static inline void
kfix_golden(uint8_t kind, ch_fields_t *f)
{
	memset(f, 0, sizeof(*f));
	f->kind = kind;
	switch (kind) {
	case CH_KIND_NOTE:
		f->u.note.text = kfix_dup("Mevr. Jansen slept well; no pain.");
		break;
	case CH_KIND_GOAL: {
		static const int w[] = { KFIX_NURSING, KFIX_PTZ };
		f->u.goal.whose = CH_GOAL_OWN;
		f->u.goal.status = CH_GOAL_ACTIVE;
		f->u.goal.text = kfix_dup("« Rester chez moi jusqu'à la fin du bail, "
		    "et choisir moi-même qui entre. »");
		kfix_orgs(&f->u.goal.workers, 2, w);
		break;
	}
	case CH_KIND_TASK:
		f->u.task.status = CH_TASK_OPEN;
		f->u.task.agenda = 0;
		kfix_org(KFIX_NURSING, f->u.task.owner);
		memset(f->u.task.provider, 0xb1, 32);
		f->u.task.due = KFIX_T_DUE;
		kfix_entry(1, f->u.task.goal);
		f->u.task.text = kfix_dup("Wound care check: left heel, change the dressing");
		break;
	case CH_KIND_APPOINTMENT: {
		static const int w[] = { KFIX_HOSPITAL, KFIX_PTZ };
		f->u.appt.status = CH_APPT_PLANNED;
		f->u.appt.at = KFIX_T_APPT;
		f->u.appt.minutes = 45;
		f->u.appt.what = kfix_dup("Consultation en psychiatrie, Dr. Lefèvre");
		f->u.appt.where = kfix_dup("Hôpital Saint-Pierre, rue Haute 322");
		f->u.appt.with = kfix_dup("Mevr. Jansen en haar dochter");
		kfix_orgs(&f->u.appt.orgs, 2, w);
		break;
	}
	case CH_KIND_ALERT: {
		static const int w[] = { KFIX_NURSING, KFIX_CPAS };
		f->u.alert.priority = CH_PRIO_URGENT;
		f->u.alert.text = kfix_dup("Val in de badkamer vannacht; blauwe plek op "
		    "de heup. Wil niet naar het ziekenhuis.");
		kfix_orgs(&f->u.alert.addressed, 2, w);
		break;
	}
	case CH_KIND_ACK:
		kfix_entry(2, f->u.ack.alert);
		f->u.ack.text = kfix_dup("Passage à 14h, hanche examinée : pas de "
		    "fracture apparente. Le médecin traitant est prévenu.");
		break;
	case CH_KIND_HANDOVER:
		kfix_org(KFIX_COORD, f->u.handover.contact);
		kfix_org(KFIX_CPAS, f->u.handover.deputy);
		f->u.handover.isolation = 3;
		f->u.handover.fragility = 2;
		f->u.handover.network = 2;
		f->u.handover.from = kfix_dup("Hôpital Saint-Pierre, médecine interne");
		f->u.handover.to = kfix_dup("Samusocial, centre de jour");
		f->u.handover.person = kfix_dup("محمد, via Mevr. El Amrani (interprète)");
		f->u.handover.told = kfix_dup("Insulineschema uitgelegd met tolk; "
		    "hij kreeg het mee op papier, in het Arabisch.");
		f->u.handover.text = kfix_dup("Sortie le 3 décembre. Diabète de type 2 "
		    "déséquilibré ; insuline indiquée mais pas de frigo. Rendez-vous à "
		    "l'ambassade le 10 décembre pour ses papiers.");
		break;
	case CH_KIND_CONSENT:
		f->u.consent.purpose = CH_PURPOSE_COORDINATION;
		f->u.consent.basis = CH_BASIS_MANDATE;
		f->u.consent.from = KFIX_T_FROM;
		f->u.consent.until = KFIX_T_UNTIL;
		f->u.consent.grantor = kfix_dup("Mevr. Jansen");
		f->u.consent.grantee = kfix_dup("Dhr. Peeters (zoon)");
		f->u.consent.role = kfix_dup("representative");
		f->u.consent.text = kfix_dup("Schriftelijke volmacht; een kopie ligt "
		    "in de gele doos.");
		break;
	case CH_KIND_CONSULTATION: {
		static const int w[] = { KFIX_NURSING, KFIX_CPAS, KFIX_PTZ };
		f->u.consult.answer_by = KFIX_T_ANSWER;
		f->u.consult.agenda = kfix_dup("1. Qui est la personne de contact ?\n"
		    "2. Fin du bail en juin : logement.\n"
		    "3. Hygiène : ce que Mevr. Jansen accepte.");
		kfix_orgs(&f->u.consult.invited, 3, w);
		break;
	}
	case CH_KIND_ANSWER:
		kfix_entry(3, f->u.answer.consultation);
		f->u.answer.text = kfix_dup("Wij kunnen drie keer per week langskomen; "
		    "douchen alleen als zij het zelf vraagt.");
		break;
	case CH_KIND_DECISION: {
		static const int w[] = { KFIX_CPAS, KFIX_PTZ };
		kfix_entry(3, f->u.decision.consultation);
		f->u.decision.due = KFIX_T_DECIDE;
		f->u.decision.text = kfix_dup("Le CPAS devient la personne de contact ; "
		    "l'équipe PTZ reste en suivi.");
		kfix_orgs(&f->u.decision.carriers, 2, w);
		break;
	}
	case CH_KIND_KEEP:
		f->u.keep.active = 1;
		f->u.keep.every_days = 14;
		f->u.keep.text = kfix_dup("Stable since the consultation; check in "
		    "every two weeks until the lease ends.");
		break;
	case CH_KIND_CHECKIN:
		kfix_entry(4, f->u.checkin.keep);
		f->u.checkin.text = kfix_dup("Appelé le 20/12 : tout va bien, "
		    "sa fille est passée.");
		break;
	case CH_KIND_HIDE:
		kfix_entry(5, f->u.hide.target);
		f->u.hide.reason = CH_HIDE_ASKED;
		break;
	default:
		break;
	}
}

#endif
