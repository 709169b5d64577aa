// Expands calendars the way two JavaScript calendar libraries do: ical.js (Thunderbird's) and
// node-ical. Used by tests/support/interop.py, once for all the feeds of a test run.
//
// stdin: {"from": ISO datetime, "to": ISO datetime, "feeds": {name: ICS text}}
// stdout: {name: {"ical.js": [instance, ...], "node-ical": [instance, ...]}}
// An instance: {uid, start, recurrence_id, status, summary, location, description, orphan}, times as UTC ISO
// strings; `orphan` is an instance with a RECURRENCE-ID whose series is not in the feed. Only
// instances starting in [from, to) are given.

import {readFileSync} from 'node:fs';

import ICAL from 'ical.js';
import nodeIcal from 'node-ical';

// A moved date may start in the window while its recurrence id lies outside: expand further.
const MARGIN_MS = 60 * 24 * 3600 * 1000;

const iso = (date) => (date ? new Date(date).toISOString() : null);

function icaljsInstances(text, from, to) {
    const calendar = new ICAL.Component(ICAL.parse(text));
    for (const vtimezone of calendar.getAllSubcomponents('vtimezone')) {
        ICAL.TimezoneService.register(new ICAL.Timezone(vtimezone));
    }
    const events = calendar.getAllSubcomponents('vevent');
    // Exceptions are related to their own series only: ICAL.Event's default relates every
    // RECURRENCE-ID of the calendar, whatever its UID.
    const byUid = new Map();
    for (const component of events) {
        const uid = component.getFirstPropertyValue('uid');
        if (!byUid.has(uid)) byUid.set(uid, {masters: [], exceptions: []});
        const group = byUid.get(uid);
        (component.hasProperty('recurrence-id') ? group.exceptions : group.masters).push(component);
    }
    const found = [];
    const describe = (item, start, recurrenceId, orphan) => ({
        uid: item.uid,
        start: iso(start.toJSDate()),
        recurrence_id: recurrenceId ? iso(recurrenceId.toJSDate()) : null,
        status: item.component.getFirstPropertyValue('status') || 'CONFIRMED',
        summary: item.summary,
        location: item.location || '',
        description: item.description || '',
        orphan,
    });
    const inWindow = (time) => {
        const moment = time.toJSDate().getTime();
        return moment >= from.getTime() && moment < to.getTime();
    };
    for (const [, {masters, exceptions}] of byUid) {
        if (masters.length === 0) {
            // No series to relate them to: shown on their own (Thunderbird makes up a master
            // for such an entry; other apps drop it), and marked.
            for (const component of exceptions) {
                const item = new ICAL.Event(component);
                if (inWindow(item.startDate)) {
                    found.push(describe(item, item.startDate, item.recurrenceId, true));
                }
            }
            continue;
        }
        for (const component of masters) {
            const event = new ICAL.Event(component, {exceptions, strictExceptions: true});
            if (!event.isRecurring()) {
                if (inWindow(event.startDate)) found.push(describe(event, event.startDate, null, false));
                continue;
            }
            const iterator = event.iterator();
            const last = to.getTime() + MARGIN_MS;
            for (let next = iterator.next(); next; next = iterator.next()) {
                if (next.toJSDate().getTime() >= last) break;
                const details = event.getOccurrenceDetails(next);
                if (inWindow(details.startDate)) {
                    found.push(describe(details.item, details.startDate, details.recurrenceId, false));
                }
            }
        }
    }
    return found;
}

function nodeIcalInstances(text, from, to) {
    const parsed = nodeIcal.sync.parseICS(text);
    const found = [];
    const text_ = (value) => (value && typeof value === 'object' ? value.val : value) || '';
    for (const event of Object.values(parsed)) {
        if (event.type !== 'VEVENT') continue;
        // node-ical files a RECURRENCE-ID entry under its UID; with no RRULE entry of that UID it
        // is the entry itself.
        const orphan = !event.rrule && event.recurrenceid !== undefined;
        const instances = nodeIcal.expandRecurringEvent(event, {
            from: new Date(from.getTime() - MARGIN_MS),
            // `to` is inclusive (and a local midnight means the whole day): stop just before.
            to: new Date(to.getTime() + MARGIN_MS - 1),
        });
        for (const instance of instances) {
            const start = instance.start.getTime();
            if (start < from.getTime() || start >= to.getTime()) continue;
            const item = instance.event;
            found.push({
                uid: item.uid || event.uid,
                start: iso(instance.start),
                recurrence_id: event.rrule
                    ? iso(instance.isOverride ? item.recurrenceid : instance.start)
                    : iso(event.recurrenceid),
                status: item.status || 'CONFIRMED',
                summary: text_(item.summary),
                location: text_(item.location),
                description: text_(item.description),
                orphan,
            });
        }
    }
    return found;
}

const request = JSON.parse(readFileSync(0, 'utf8'));
const from = new Date(request.from);
const to = new Date(request.to);
const answer = {};
for (const [name, text] of Object.entries(request.feeds)) {
    answer[name] = {
        'ical.js': icaljsInstances(text, from, to),
        'node-ical': nodeIcalInstances(text, from, to),
    };
}
process.stdout.write(JSON.stringify(answer));
