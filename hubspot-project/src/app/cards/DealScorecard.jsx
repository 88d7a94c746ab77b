// The latest DealCoach scorecard of this deal, in the deal's sidebar: score, phase scores, BANT, next step and the
// open DealCoach tasks. Data comes from DealCoach's backend through hubspot.fetch (signed by HubSpot, v3); the
// backend answers only for the portal and user HubSpot signed the request for. BANT items are {found, evidence} and
// the next step {set, when, evidence}, as in the scorecard (docs/contracts.md).
import React, { useEffect, useState } from 'react';
import {
  hubspot,
  Alert,
  DescriptionList,
  DescriptionListItem,
  Divider,
  Flex,
  Heading,
  List,
  LoadingSpinner,
  ProgressBar,
  Tag,
  Text,
} from '@hubspot/ui-extensions';

const BACKEND = 'https://dealcoach.example.com';

hubspot.extend(({ context }) => <DealScorecard context={context} />);

function DealScorecard({ context }) {
  const [state, setState] = useState({ loading: true, card: null, error: null });

  useEffect(() => {
    const dealId = encodeURIComponent(String(context.crm.objectId));
    hubspot
      .fetch(`${BACKEND}/hubspot/ui/deal-card?dealId=${dealId}`, { method: 'GET', timeout: 10000 })
      .then(async (res) => {
        const body = await res.json();
        setState({ loading: false, card: res.ok ? body : null, error: res.ok ? null : body.message });
      })
      .catch((err) => setState({ loading: false, card: null, error: String(err.message || err) }));
  }, [context.crm.objectId]);

  if (state.loading) return <LoadingSpinner label="DealCoach" />;
  if (state.error) return <Alert title="DealCoach" variant="warning">{state.error}</Alert>;
  const card = state.card;
  if (!card.scorecard) return <Text>{card.message}</Text>;
  const sc = card.scorecard;
  return (
    <Flex direction="column" gap="sm">
      <Heading>{`${sc.overall ?? '–'} / 100`}</Heading>
      {sc.deal_state ? <Tag>{sc.deal_state}</Tag> : null}
      {sc.phases.map((p) => (
        <ProgressBar key={p.id} title={p.label} value={p.score ?? 0} maxValue={100}
          valueDescription={p.score === null ? 'not assessed' : `${p.score}`} />
      ))}
      <Divider />
      <DescriptionList direction="column">
        {Object.entries(sc.bant).map(([k, v]) => (
          <DescriptionListItem key={k} label={k}>{v && v.found ? `✓ ${v.evidence || ''}` : '–'}</DescriptionListItem>
        ))}
        <DescriptionListItem label="Next step">
          {sc.next_step && sc.next_step.set ? sc.next_step.when || sc.next_step.evidence : '–'}
        </DescriptionListItem>
      </DescriptionList>
      <Divider />
      <Text format={{ fontWeight: 'bold' }}>{`Open DealCoach tasks (${card.open_tasks.length})`}</Text>
      <List>
        {card.open_tasks.map((t) => <Text key={t.id}>{`${t.subject} — ${t.due || ''}`}</Text>)}
      </List>
    </Flex>
  );
}
