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
  Select,
  Text,
  Toggle,
} from '@hubspot/ui-extensions';

const BACKEND = 'https://dealcoach.example.com';
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
  return (
    <Flex direction="column" gap="md">
      <Heading>DealCoach</Heading>
      <Select label="Language" name="language" value={s.language}
        options={[{ label: '日本語', value: 'ja' }, { label: 'English', value: 'en' }]}
        onChange={(v) => set('language', v)} />
      <Input label="Time zone" name="timezone" value={s.timezone} onChange={(v) => set('timezone', v)} />
      <Input label="Manager (owner id)" name="manager_id" value={s.manager_id || ''}
        onChange={(v) => set('manager_id', v || null)} />
      <Toggle label="Stage coaching tasks" name="stage_tasks" checked={s.stage_tasks}
        onChange={(v) => set('stage_tasks', v)} />
      <Toggle label="SLA tasks" name="sla_enabled" checked={s.sla_enabled} onChange={(v) => set('sla_enabled', v)} />
      <Toggle label="Redact personal data before the LLM" name="redact_pii" checked={s.redact_pii}
        onChange={(v) => set('redact_pii', v)} />
      <Input label="Phrase hints (comma-separated)" name="phrase_hints" value={s.phrase_hints.join(', ')}
        onChange={(v) => set('phrase_hints', v.split(',').map((x) => x.trim()).filter(Boolean))} />
      <Input label="Recording hosts (comma-separated)" name="recording_hosts" value={s.recording_hosts.join(', ')}
        onChange={(v) => set('recording_hosts', v.split(',').map((x) => x.trim()).filter(Boolean))} />
      <Divider />
      <Heading>Stage → phase, per pipeline</Heading>
      {Object.entries(data.pipelines).map(([pid, p]) => (
        <Flex key={pid} direction="column" gap="xs">
          <Text format={{ fontWeight: 'bold' }}>{`${p.label}${data.confirmed[pid] ? '' : ' (proposed)'}`}</Text>
          {p.stages.map((st) => (
            <Select key={st.id} label={st.label} name={`${pid}:${st.id}`}
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
