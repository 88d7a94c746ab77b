// DealCoach's settings page inside HubSpot. Reads and saves through DealCoach's backend with hubspot.fetch (signed
// v3 by HubSpot); the backend validates every value and answers which key is wrong and why, keeping the last valid
// settings in force. Stage maps are proposed at install for every pipeline; the admin confirms or edits them here.
import React, { useEffect, useState } from 'react';
import {
  hubspot,
  Alert,
  Button,
  Divider,
  Flex,
  Heading,
  Input,
  LoadingSpinner,
  NumberInput,
  Select,
  Text,
  Toggle,
} from '@hubspot/ui-extensions';

const BACKEND = 'https://dealcoach.example.com';
const SCORERS = [{ label: 'Deployment default', value: '' }, { label: 'Offline (rules, no LLM)', value: 'offline' },
  { label: 'LLM', value: 'llm' }, { label: 'Auto (LLM when reachable)', value: 'auto' }];
const list = (v) => v.split(',').map((x) => x.trim()).filter(Boolean);
const pairs = (v) => Object.fromEntries(list(v).map((x) => x.split('=').map((y) => y.trim())).filter((p) => p[0]));
const PHASES = ['research', 'first_contact', 'needs_discovery', 'proposal', 'negotiation_closing',
  'contract_implementation', 'after_follow'];

hubspot.extend(({ context, actions }) => <Settings context={context} addAlert={actions.addAlert} />);

function Settings({ addAlert }) {
  const [data, setData] = useState(null);
  const [error, setError] = useState(null);
  const [saving, setSaving] = useState(false);

  useEffect(() => {
    hubspot.fetch(`${BACKEND}/hubspot/ui/settings`, { method: 'GET' })
      .then(async (res) => (res.ok ? setData(await res.json()) : setError((await res.json()).message)))
      .catch((err) => setError(String(err.message || err)));
  }, []);

  if (error) return <Alert title="DealCoach" variant="danger">{error}</Alert>;
  if (!data) return <LoadingSpinner label="DealCoach" />;

  const set = (key, value) => setData({ ...data, settings: { ...data.settings, [key]: value } });
  const setPhase = (pipeline, stage, phase) => setData({
    ...data,
    stage_maps: { ...data.stage_maps, [pipeline]: { ...data.stage_maps[pipeline], [stage]: phase } },
  });

  async function save() {
    setSaving(true);
    const res = await hubspot.fetch(`${BACKEND}/hubspot/ui/settings`, {
      method: 'POST',
      body: { settings: data.settings, stage_maps: data.stage_maps },
    });
    const body = await res.json();
    setSaving(false);
    if (res.ok) {
      setData(body);
      addAlert({ type: 'success', message: 'DealCoach settings saved; they apply within a minute.' });
    } else {
      addAlert({ type: 'danger', message: `${body.key}: ${body.message}` });
    }
  }

  const s = data.settings;
  const cal = s.calendar || {};
  const hours = cal.business_hours || {};
  const sla = s.sla || {};
  const setCal = (key, value) => set('calendar', { ...cal, [key]: value });
  const setRule = (rule, key, value) => set('sla', {
    ...sla, rules: { ...(sla.rules || {}), [rule]: { ...((sla.rules || {})[rule] || {}), [key]: value } },
  });
  return (
    <Flex direction="column" gap="md">
      <Heading>DealCoach</Heading>
      <Select label="Language" name="language" value={s.language}
        options={[{ label: '日本語', value: 'ja' }, { label: 'English', value: 'en' }]}
        onChange={(v) => set('language', v)} />
      <Select label="Scorer" name="scorer" value={s.scorer || ''} options={SCORERS}
        onChange={(v) => set('scorer', v || null)} />
      <Toggle label="Stage coaching tasks" name="stage_tasks" checked={s.stage_tasks}
        onChange={(v) => set('stage_tasks', v)} />
      <Toggle label="Next-action tasks from calls" name="next_action_tasks" checked={s.next_action_tasks}
        onChange={(v) => set('next_action_tasks', v)} />
      <Toggle label="Redact personal data before the LLM" name="redact_pii" checked={s.redact_pii}
        onChange={(v) => set('redact_pii', v)} />
      <Toggle label="Restore redacted details in the CRM note" name="restore_pii_in_note"
        checked={s.restore_pii_in_note} onChange={(v) => set('restore_pii_in_note', v)} />
      <Input label="Phrase hints (comma-separated)" name="phrase_hints" value={s.phrase_hints.join(', ')}
        onChange={(v) => set('phrase_hints', list(v))} />
      <Input label="Recording hosts (comma-separated)" name="recording_hosts" value={s.recording_hosts.join(', ')}
        onChange={(v) => set('recording_hosts', list(v))} />
      <Divider />
      <Heading>Managers</Heading>
      <Input label="Manager of every owner (owner id)" name="manager_id" value={s.manager_id || ''}
        onChange={(v) => set('manager_id', v || null)} />
      <Input label="Manager per owner (owner=manager, comma-separated)" name="managers"
        value={Object.entries(s.managers || {}).map(([o, m]) => `${o}=${m}`).join(', ')}
        onChange={(v) => set('managers', pairs(v))} />
      <Input label="Manager per team (team id=manager, comma-separated)" name="team_managers"
        value={Object.entries(s.team_managers || {}).map(([t, m]) => `${t}=${m}`).join(', ')}
        onChange={(v) => set('team_managers', pairs(v))} />
      <Divider />
      <Heading>Business calendar</Heading>
      <Input label="Time zone" name="timezone" value={s.timezone} onChange={(v) => set('timezone', v)} />
      <Input label="Business hours start (HH:MM)" name="calendar.business_hours.start" value={hours.start || '09:00'}
        onChange={(v) => setCal('business_hours', { ...hours, start: v, end: hours.end || '18:00' })} />
      <Input label="Business hours end (HH:MM)" name="calendar.business_hours.end" value={hours.end || '18:00'}
        onChange={(v) => setCal('business_hours', { ...hours, start: hours.start || '09:00', end: v })} />
      <Toggle label="Year-end holidays (Dec 29 – Jan 3)" name="calendar.year_end_holidays"
        checked={!!cal.year_end_holidays} onChange={(v) => setCal('year_end_holidays', v)} />
      <Input label="Company holidays (YYYY-MM-DD, comma-separated)" name="calendar.extra_holidays"
        value={(cal.extra_holidays || []).join(', ')} onChange={(v) => setCal('extra_holidays', list(v))} />
      <Divider />
      <Heading>Follow-up (SLA) tasks</Heading>
      <Toggle label="SLA tasks" name="sla_enabled" checked={s.sla_enabled} onChange={(v) => set('sla_enabled', v)} />
      <NumberInput label="Noise budget (open DealCoach tasks per deal)" name="sla.noise_budget" min={1}
        value={sla.noise_budget ?? data.sla_rules.noise_budget}
        onChange={(v) => set('sla', { ...sla, noise_budget: v })} />
      {data.sla_rules.rules.map((rule) => (
        <Flex key={rule.id} direction="column" gap="xs">
          <Toggle label={rule.id} name={`sla.rules.${rule.id}.enabled`}
            checked={((sla.rules || {})[rule.id] || {}).enabled ?? rule.enabled}
            onChange={(v) => setRule(rule.id, 'enabled', v)} />
          {Object.entries(rule.thresholds).map(([name, value]) => (
            <NumberInput key={name} label={`${rule.id}: ${name}`} name={`sla.rules.${rule.id}.${name}`} min={0}
              value={((sla.rules || {})[rule.id] || {})[name] ?? value}
              onChange={(v) => setRule(rule.id, name, v)} />
          ))}
        </Flex>
      ))}
      <Divider />
      <Heading>Stage → phase, per pipeline</Heading>
      {Object.entries(data.pipelines).map(([pid, p]) => (
        <Flex key={pid} direction="column" gap="xs">
          <Text format={{ fontWeight: 'bold' }}>{`${p.label}${data.confirmed[pid] ? '' : ' (proposed)'}`}</Text>
          {p.stages.map((st) => (
            <Select key={st.id} label={st.label} name={`stage_maps.${pid}.${st.id}`}
              value={(data.stage_maps[pid] || {})[st.id] || st.phase}
              options={PHASES.map((ph) => ({ label: ph, value: ph }))}
              onChange={(v) => setPhase(pid, st.id, v)} />
          ))}
        </Flex>
      ))}
      <Button variant="primary" onClick={save} disabled={saving}>Save</Button>
    </Flex>
  );
}
