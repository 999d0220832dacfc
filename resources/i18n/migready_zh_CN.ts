<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>BackgroundJob</name>
    <message>
        <source>host {host}: {error}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>unexpected {kind}: {error}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Passphrase for the SSH key {path}:</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ChecklistPage</name>
    <message>
        <source>all states</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>blockers and others</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>blockers only</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>non-blockers only</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Search items…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Mark pass…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Mark fail…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not applicable…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Waive…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Items</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Event log</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No checklist yet: open an inventory.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{n} failed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{n} pending</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{n} waived</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>, </source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>all pass</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&lt;b&gt;{items}&lt;/b&gt;: {counts}. &lt;b&gt;Blockers: {blockers}&lt;/b&gt;. Select an item to mark or waive it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{n} item</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{n} items</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Select an item.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>State</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> (before waiver: {state})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Id</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Phase</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Blocker</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>yes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>no</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Evidence</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Before the move</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cleared by</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Incident</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Marked</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{state} by {by} at {at}: {note}</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Interaction</name>
    <message>
        <source>Inventories (*.yaml *.yml);;All files (*)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Workspaces (*.migready.json *.json);;All files (*)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Saved</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Open inventory…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open &amp;workspace…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open &amp;recent</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;New workspace</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Start a fresh review of the current inventory</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Save workspace</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save workspace &amp;as…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Steps rail</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Show or hide the steps on the left (more room for the tables)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Go</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Run</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Run probes on this page</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Cancel the probe run</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Attest my probe runs with a key…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sign each probe run you make in this session with your key (made by migready keygen): the report shows it as run by you</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Find on this page</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Language</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Show the window in {name} from the next start</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The window is in {name}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Language: {name}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Saved. The window speaks {name} from the next start: close migready and open it again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Language saved: {name} (applies at the next start)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>to do</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{title} (a tool, not a step of the review): {hint}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The inventory has {n} problem to fix first (Inventory step).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The inventory has {n} problems to fix first (Inventory step).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>no workspace</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>untitled (autosaved as {name})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>no inventory</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Probing…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open inventory</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open workspace</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save workspace as</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Go to a probe page (Ctrl+3 or Ctrl+4) to run probes.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Your signing key (migready keygen)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Private key (*)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Passphrase for {path}:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Key not usable</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Probe runs are now attested by {name} ({role}).</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>MessageBar</name>
    <message>
        <source>Dismiss</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ProbePage</name>
    <message>
        <source>Pre-migration probes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>source</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>before the move: the baseline every later result is compared with</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Post-migration probes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>target</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>after the move: what changed is on the Compare page</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>ssh://user@host:port or local://</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Run probes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Run the probe plan on this host (Ctrl+R)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stop the run; the results that arrived are kept (Esc)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%v / %m probes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>all results</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Search results…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Staging host:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> of the {side} site &lt;b&gt;{site}&lt;/b&gt;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&lt;b&gt;{title}&lt;/b&gt;: run the probe plan from a staging host{site}, {why}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No run yet: pick a staging host and press Run probes.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{run} from {host} finished {when} UTC: {tally}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{run} from {host} is incomplete ({why}): {kept} of {planned} results kept: {tally}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>stopped</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not run: nothing was sent.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Another probe run is going on.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Wait until the inventory has loaded.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open an inventory first.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Pick or type a staging host first.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Connecting to {host}…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cancelling: the results that arrived are kept…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Probing from {host}: {done} of {total}…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not run: {why}</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>RecentFiles</name>
    <message>
        <source>(nothing opened yet)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>RehearsalPage</name>
    <message>
        <source>blackhole</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>reject</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>delay</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>fails fast</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>unaffected</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>hangs</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>inconclusive</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&lt;b&gt;Rehearsal&lt;/b&gt;: break one dependency on a staging host for a bounded time and measure whether the service&apos;s health endpoint fails fast (incidents 2 and 3).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> ms</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Rehearse…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Show the rules and ask before applying them</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stop now: the fault is removed and what came in is kept (Esc)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Staging host:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Dependency:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Fault:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Duration:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Rules and revert (dry run)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Nothing applied yet: the rules above are what Rehearse… would install.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open an inventory first.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The inventory lists no staging host or no outbound dependency.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Refused: {why}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Another run is going on, or the workspace is not open yet.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Apply this fault?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{rules}

Apply these rules on {host} now?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not applied: nothing was sent.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Rehearsing {dependency} on {host}…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cancelling: removing the fault…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>fault removed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>fault removal NOT confirmed (the watchdog removes it)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{run}: {verdict}: {text} ({removed})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not run: {why}</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Session</name>
    <message>
        <source>Loading {name}…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Opening {name}…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{name}: {problems} to fix</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{n} problem</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{n} problems</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{name}: {services}, {dependencies}, {flags}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{n} service</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{n} services</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{n} dependency</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{n} dependencies</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{n} flag</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{n} flags</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot open</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>New workspace (untitled: autosaved until you save it somewhere)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot save the workspace</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Review failed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{item} marked {state}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{target} waived until {until}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not ready</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the checklist is still being computed; try again in a moment</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not recorded</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>SignoffPage</name>
    <message>
        <source>The report appears once an inventory is open.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sign with key file…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>New signing key…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export report ▾</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot build the report</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&lt;b&gt;Report verdict: {verdict}&lt;/b&gt;: {tally} (evidence says {evidence}) · content digest &lt;tt&gt;{digest}…&lt;/tt&gt;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Awaiting sign-off: {roles}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Every required role signed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Passphrase for {path}:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not signed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>approve</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>reject</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Signed by {name} ({role}): {decision}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Key written: {path} (public part {pub})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No key made</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export the report as {format}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Writing {path}…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Report written: {path}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Report not written</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>VerdictBanner</name>
    <message>
        <source>Why? ▸</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Every root cause, with its evidence and what clears it</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No verdict yet</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Computing…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open an inventory to start.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>nothing open</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{n} warning</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{n} warnings</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>rehearsal</name>
    <message>
        <source>timed out</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>baseline</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>fault</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>recovery</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>after</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{stage} call {n}: {ms} ms ({answer})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>inconclusive: {reason}: {detail}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>armed: watchdog pid {pid}, deadline {deadline} s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>applied: fault in chain {chain}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>reverted: fault removed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>reverted: STILL PRESENT: {left}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>recovered: healthy {ms} ms after the revert</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>not_recovered: not healthy within {seconds} s</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>steps</name>
    <message>
        <source>Inventory</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Flags</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Pre-migration probes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Post-migration probes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Compare</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Checklist</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sign-off &amp; Report</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Discovery</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Rehearsal</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>probing…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>no run yet</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{n} result</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{n} results</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>, {n} fail</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{summary}, incomplete</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{n} problem</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{n} problems</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{services} svc, {deps} deps</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{blockers} blocker, {high} high</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{n} flags</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>no regression</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{n} regression</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{n} regressions</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{failed} failed, {pending} pending</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>, </source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{n} pending</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{n} waived</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{n} blockers pass</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{verdict}, awaiting {n} role</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{verdict}, awaiting {n} roles</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{verdict}, every role signed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>tool · not run</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{n} undocumented</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{n} inbound</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{n} findings</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>tool · {hint}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>tool · nothing to rehearse</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{n} service hangs</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{n} services hang</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{proven} of {total} fail fast</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>style</name>
    <message>
        <source>fixed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>regression</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>inconclusive</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>missing</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>unchanged</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>new</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>done</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>blocked</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>attention</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>todo</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>running</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>staging host itself</source>
        <translation type="unfinished"></translation>
    </message>
</context>
</TS>
