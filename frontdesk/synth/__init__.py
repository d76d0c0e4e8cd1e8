"""Synthetic organisations: realistic sites, teams, agents and all their data, for demos and tests.

``generate(store, agents=60, months=3)`` fills every canonical table of an event store from a seed;
``read_truth(store)`` gives back each agent's hidden skill and tenure, so tests and benchmarks can
check whether an appraisal scheme ranks people the way they really are.

Choices worth knowing when reading the data:
- About 110 contacts per agent per calendar day; agents work weekdays and a weekend rota, so a
  working day carries ~135 short contacts. Opening hours are 08:00–21:00 Shanghai time.
- Abandoned contacts never reached an agent: no ``agent_id``, reply, handling or resolution.
- ``wait_seconds`` is the queue before assignment; first response = wait + the agent's reply delay.
  For e-mail and social tickets work due overnight is picked up after 08:00 the next morning.
- Front-desk contacts with ``recorded_by = "manual"`` come from a hand-kept log: whole minutes,
  heaped on round figures (1, 2, 5, 10 … minutes) and understated by about a fifth.
- Two agents of the last front-desk team (one in an organisation under ten) have no surveys:
  their counter's survey terminal was never connected (``AgentTruth.surveys_connected``).
- ``interaction_events`` hold only the state changes a row implies; ``stage`` is the stage a
  contact enters with the event (queue, handling, transfer, resolved, closed).
"""

from frontdesk.synth.generator import SynthSummary, generate
from frontdesk.synth.truth import AgentTruth, read_truth

__all__ = ["AgentTruth", "SynthSummary", "generate", "read_truth"]
