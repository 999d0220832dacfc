<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>BackgroundJob</name>
    <message>
        <source>host {host}: {error}</source>
        <translation>主机 {host}：{error}</translation>
    </message>
    <message>
        <source>unexpected {kind}: {error}</source>
        <translation>意外错误 {kind}：{error}</translation>
    </message>
    <message>
        <source>Passphrase for the SSH key {path}:</source>
        <translation>SSH 密钥 {path} 的口令：</translation>
    </message>
</context>
<context>
    <name>ChecklistModel</name>
    <message>
        <source>waived by {by} until {until}: {reason}</source>
        <translation>由 {by} 豁免至 {until}：{reason}</translation>
    </message>
    <message>
        <source>, </source>
        <translation>，</translation>
    </message>
    <message>
        <source>{n} {state}</source>
        <translation>{n} 项{state}</translation>
    </message>
    <message>
        <source>{phase} — {items} ({blockers}): {summary}</source>
        <translation>{phase} — {items}（{blockers}）：{summary}</translation>
    </message>
    <message>
        <source>{n} item</source>
        <translation>{n} 个检查项</translation>
    </message>
    <message>
        <source>{n} items</source>
        <translation>{n} 个检查项</translation>
    </message>
    <message>
        <source>{n} blocker</source>
        <translation>{n} 个阻断项</translation>
    </message>
    <message>
        <source>{n} blockers</source>
        <translation>{n} 个阻断项</translation>
    </message>
    <message>
        <source>before: {evidence}</source>
        <translation>迁移前：{evidence}</translation>
    </message>
    <message>
        <source>cleared by: {what}</source>
        <translation>清除条件：{what}</translation>
    </message>
</context>
<context>
    <name>ChecklistPage</name>
    <message>
        <source>all states</source>
        <translation>全部状态</translation>
    </message>
    <message>
        <source>blockers and others</source>
        <translation>阻断项及其他</translation>
    </message>
    <message>
        <source>blockers only</source>
        <translation>仅阻断项</translation>
    </message>
    <message>
        <source>non-blockers only</source>
        <translation>仅非阻断项</translation>
    </message>
    <message>
        <source>Search items…</source>
        <translation>搜索检查项…</translation>
    </message>
    <message>
        <source>Mark pass…</source>
        <translation>标记为通过…</translation>
    </message>
    <message>
        <source>Mark fail…</source>
        <translation>标记为失败…</translation>
    </message>
    <message>
        <source>Not applicable…</source>
        <translation>不适用…</translation>
    </message>
    <message>
        <source>Waive…</source>
        <translation>豁免…</translation>
    </message>
    <message>
        <source>Items</source>
        <translation>检查项</translation>
    </message>
    <message>
        <source>Event log</source>
        <translation>事件日志</translation>
    </message>
    <message>
        <source>No checklist yet: open an inventory.</source>
        <translation>尚无检查单：请先打开清单。</translation>
    </message>
    <message>
        <source>{n} failed</source>
        <translation>{n} 项失败</translation>
    </message>
    <message>
        <source>{n} pending</source>
        <translation>{n} 项待定</translation>
    </message>
    <message>
        <source>{n} waived</source>
        <translation>{n} 项已豁免</translation>
    </message>
    <message>
        <source>, </source>
        <translation>，</translation>
    </message>
    <message>
        <source>all pass</source>
        <translation>全部通过</translation>
    </message>
    <message>
        <source>&lt;b&gt;{items}&lt;/b&gt;: {counts}. &lt;b&gt;Blockers: {blockers}&lt;/b&gt;. Select an item to mark or waive it.</source>
        <translation>&lt;b&gt;{items}&lt;/b&gt;：{counts}。&lt;b&gt;阻断项：{blockers}&lt;/b&gt;。选中一个检查项即可标记或豁免。</translation>
    </message>
    <message>
        <source>{n} item</source>
        <translation>{n} 个检查项</translation>
    </message>
    <message>
        <source>{n} items</source>
        <translation>{n} 个检查项</translation>
    </message>
    <message>
        <source>Select an item.</source>
        <translation>请选择一个检查项。</translation>
    </message>
    <message>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <source> (before waiver: {state})</source>
        <translation>（豁免前：{state}）</translation>
    </message>
    <message>
        <source>Id</source>
        <translation>编号</translation>
    </message>
    <message>
        <source>Phase</source>
        <translation>阶段</translation>
    </message>
    <message>
        <source>Blocker</source>
        <translation>阻断项</translation>
    </message>
    <message>
        <source>yes</source>
        <translation>是</translation>
    </message>
    <message>
        <source>no</source>
        <translation>否</translation>
    </message>
    <message>
        <source>Evidence</source>
        <translation>证据</translation>
    </message>
    <message>
        <source>Before the move</source>
        <translation>迁移前</translation>
    </message>
    <message>
        <source>Cleared by</source>
        <translation>如何消除</translation>
    </message>
    <message>
        <source>Incident</source>
        <translation>事故</translation>
    </message>
    <message>
        <source>Marked</source>
        <translation>人工标记</translation>
    </message>
    <message>
        <source>{state} by {by} at {at}: {note}</source>
        <translation>{by} 于 {at} 标记为{state}：{note}</translation>
    </message>
</context>
<context>
    <name>Column</name>
    <message>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Item</source>
        <translation>检查项</translation>
    </message>
    <message>
        <source>Blocker</source>
        <translation>阻断</translation>
    </message>
    <message>
        <source>Evidence / note</source>
        <translation>证据 / 备注</translation>
    </message>
    <message>
        <source>Change</source>
        <translation>变化</translation>
    </message>
    <message>
        <source>What changed</source>
        <translation>变化内容</translation>
    </message>
    <message>
        <source>Dependency</source>
        <translation>依赖</translation>
    </message>
    <message>
        <source>Check</source>
        <translation>检查</translation>
    </message>
    <message>
        <source>Target</source>
        <translation>目标</translation>
    </message>
    <message>
        <source>Before (pre)</source>
        <translation>迁移前 (pre)</translation>
    </message>
    <message>
        <source>After (post)</source>
        <translation>迁移后 (post)</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>Severity</source>
        <translation>严重级别</translation>
    </message>
    <message>
        <source>Peer</source>
        <translation>对端</translation>
    </message>
    <message>
        <source>Protocol</source>
        <translation>协议</translation>
    </message>
    <message>
        <source>Port</source>
        <translation>端口</translation>
    </message>
    <message>
        <source>Direction</source>
        <translation>方向</translation>
    </message>
    <message>
        <source>Zone</source>
        <translation>网络区域</translation>
    </message>
    <message>
        <source>Process</source>
        <translation>进程</translation>
    </message>
    <message>
        <source>First seen</source>
        <translation>首次发现</translation>
    </message>
    <message>
        <source>Last seen</source>
        <translation>最近发现</translation>
    </message>
    <message>
        <source>Count</source>
        <translation>次数</translation>
    </message>
    <message>
        <source>#</source>
        <translation>#</translation>
    </message>
    <message>
        <source>When (UTC)</source>
        <translation>时间 (UTC)</translation>
    </message>
    <message>
        <source>Who</source>
        <translation>操作人</translation>
    </message>
    <message>
        <source>What</source>
        <translation>操作</translation>
    </message>
    <message>
        <source>Details</source>
        <translation>详情</translation>
    </message>
    <message>
        <source>Rule</source>
        <translation>规则</translation>
    </message>
    <message>
        <source>Risk</source>
        <translation>风险</translation>
    </message>
    <message>
        <source>Why it fired</source>
        <translation>触发原因</translation>
    </message>
    <message>
        <source>Incident</source>
        <translation>事故</translation>
    </message>
    <message>
        <source>Cleared by</source>
        <translation>清除条件</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>Flags</source>
        <translation>风险标记</translation>
    </message>
    <message>
        <source>Device</source>
        <translation>设备</translation>
    </message>
    <message>
        <source>Targets</source>
        <translation>目标</translation>
    </message>
    <message>
        <source>Where</source>
        <translation>位置</translation>
    </message>
    <message>
        <source>Field</source>
        <translation>字段</translation>
    </message>
    <message>
        <source>Problem</source>
        <translation>问题</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>ms</source>
        <translation>ms</translation>
    </message>
    <message>
        <source>Result</source>
        <translation>结果</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>角色</translation>
    </message>
    <message>
        <source>Signed by</source>
        <translation>签字人</translation>
    </message>
    <message>
        <source>Decision</source>
        <translation>决定</translation>
    </message>
    <message>
        <source>Key</source>
        <translation>公钥</translation>
    </message>
    <message>
        <source>Comment</source>
        <translation>意见</translation>
    </message>
</context>
<context>
    <name>CompareModel</name>
    <message>
        <source>not run</source>
        <translation>未运行</translation>
    </message>
    <message>
        <source>{status} ({reason})</source>
        <translation>{status}（{reason}）</translation>
    </message>
    <message>
        <source>{result}, {latency} ms</source>
        <translation>{result}，{latency} ms</translation>
    </message>
    <message>
        <source>; </source>
        <translation>；</translation>
    </message>
    <message>
        <source>{finding} [{severity}]</source>
        <translation>{finding}［{severity}］</translation>
    </message>
    <message>
        <source>{pre} → {post}: {failure}</source>
        <translation>{pre} → {post}：{failure}</translation>
    </message>
    <message>
        <source>nothing changed</source>
        <translation>没有变化</translation>
    </message>
</context>
<context>
    <name>ComparePage</name>
    <message>
        <source>no run yet</source>
        <translation>尚无运行</translation>
    </message>
    <message>
        <source>{id} from {host} ({when} UTC)</source>
        <translation>{id}，来自 {host}（{when} UTC）</translation>
    </message>
    <message>
        <source>{id} from {host} ({when} UTC, INCOMPLETE)</source>
        <translation>{id}，来自 {host}（{when} UTC，未完成）</translation>
    </message>
    <message>
        <source>all changes</source>
        <translation>全部变化</translation>
    </message>
    <message>
        <source>Search changes…</source>
        <translation>搜索变化…</translation>
    </message>
    <message>
        <source>Select a row to see both results in full.</source>
        <translation>选择一行，查看前后两次结果的全文。</translation>
    </message>
    <message>
        <source>Nothing to compare yet.</source>
        <translation>尚无可对比的内容。</translation>
    </message>
    <message>
        <source>&lt;b&gt;Pre&lt;/b&gt; {pre} → &lt;b&gt;post&lt;/b&gt; {post}</source>
        <translation>&lt;b&gt;迁移前&lt;/b&gt; {pre} → &lt;b&gt;迁移后&lt;/b&gt; {post}</translation>
    </message>
    <message>
        <source>Run the pre-migration probes to compare.</source>
        <translation>请先运行迁移前探测，再进行对比。</translation>
    </message>
    <message>
        <source>Run the post-migration probes to compare.</source>
        <translation>请先运行迁移后探测，再进行对比。</translation>
    </message>
    <message>
        <source>, </source>
        <translation>，</translation>
    </message>
    <message>
        <source>{n} {change}</source>
        <translation>{n} 项{change}</translation>
    </message>
    <message>
        <source>{state}: {regressions}</source>
        <translation>{state}：{regressions}</translation>
    </message>
    <message>
        <source>{state}: no regression</source>
        <translation>{state}：无退化</translation>
    </message>
    <message>
        <source>{state} run {id} is incomplete: checks it did not reach show as {missing} or {new}</source>
        <translation>{state} 运行 {id} 未完成：它没有做到的检查显示为{missing}或{new}</translation>
    </message>
    <message>
        <source>{state} &lt;b&gt;{headline}&lt;/b&gt; ({regressions})</source>
        <translation>{state} &lt;b&gt;{headline}&lt;/b&gt;（{regressions}）</translation>
    </message>
    <message>
        <source>…and {n} more root causes (Why? ▸)</source>
        <translation>……另有 {n} 个根因（为什么？▸）</translation>
    </message>
    <message>
        <source>&lt;b&gt;{verdict}&lt;/b&gt; ({counts})</source>
        <translation>&lt;b&gt;{verdict}&lt;/b&gt;（{counts}）</translation>
    </message>
    <message>
        <source>{n} regression</source>
        <translation>{n} 处退化</translation>
    </message>
    <message>
        <source>{n} regressions</source>
        <translation>{n} 处退化</translation>
    </message>
    <message>
        <source>not run</source>
        <translation>未运行</translation>
    </message>
    <message>
        <source>&lt;b&gt;{side}:&lt;/b&gt; {result}</source>
        <translation>&lt;b&gt;{side}：&lt;/b&gt;{result}</translation>
    </message>
    <message>
        <source>{finding} ({severity})</source>
        <translation>{finding}（{severity}）</translation>
    </message>
    <message>
        <source>Before (pre)</source>
        <translation>迁移前 (pre)</translation>
    </message>
    <message>
        <source>After (post)</source>
        <translation>迁移后 (post)</translation>
    </message>
</context>
<context>
    <name>DiscoveryModel</name>
    <message>
        <source>{peer}: in the inventory as {dependencies}</source>
        <translation>{peer}：清单中对应 {dependencies}</translation>
    </message>
    <message>
        <source>LISTED</source>
        <translation>已在清单中</translation>
    </message>
    <message>
        <source>seen in {n} sample</source>
        <translation>在 {n} 次采样中出现</translation>
    </message>
    <message>
        <source>seen in {n} samples</source>
        <translation>在 {n} 次采样中出现</translation>
    </message>
    <message>
        <source>{n} distinct connection</source>
        <translation>{n} 条不同连接</translation>
    </message>
    <message>
        <source>{n} distinct connections</source>
        <translation>{n} 条不同连接</translation>
    </message>
    <message>
        <source>seen, and in the inventory</source>
        <translation>已发现，且在清单中</translation>
    </message>
    <message>
        <source>the peer&apos;s port</source>
        <translation>对端端口</translation>
    </message>
    <message>
        <source>our port</source>
        <translation>本机端口</translation>
    </message>
    <message>
        <source>&lt;b&gt;Comes from incident {n}:&lt;/b&gt; {incident}</source>
        <translation>&lt;b&gt;来自事故 {n}：&lt;/b&gt;{incident}</translation>
    </message>
    <message>
        <source>&lt;b&gt;Cleared by:&lt;/b&gt; {what}</source>
        <translation>&lt;b&gt;清除条件：&lt;/b&gt;{what}</translation>
    </message>
    <message>
        <source>{state} in the inventory</source>
        <translation>{state} 已在清单中</translation>
    </message>
    <message>
        <source>{samples} samples, {connections} connections</source>
        <translation>{samples} 次采样，{connections} 条连接</translation>
    </message>
    <message>
        <source>local ports</source>
        <translation>本地端口</translation>
    </message>
    <message>
        <source>remote ports</source>
        <translation>远端端口</translation>
    </message>
    <message>
        <source>states</source>
        <translation>连接状态</translation>
    </message>
    <message>
        <source>processes</source>
        <translation>进程</translation>
    </message>
    <message>
        <source>seen</source>
        <translation>发现</translation>
    </message>
    <message>
        <source>Add to inventory… writes this peer as a dependency into a copy of the inventory and validates the copy.</source>
        <translation>“加入清单…”会把这个对端作为依赖写入清单的副本，并校验该副本。</translation>
    </message>
</context>
<context>
    <name>DiscoveryPage</name>
    <message>
        <source>Connection exports (*.csv *.txt *.tsv *.log *.zip);;All files (*)</source>
        <translation>连接导出文件 (*.csv *.txt *.tsv *.log *.zip);;所有文件 (*)</translation>
    </message>
    <message>
        <source>ssh://user@host:port or local://</source>
        <translation>ssh://用户@主机:端口 或 local://</translation>
    </message>
    <message>
        <source> s</source>
        <translation> 秒</translation>
    </message>
    <message>
        <source>Length of the sampling window; a sample every {interval} s (shorter windows: every 0.5 s)</source>
        <translation>采样窗口的时长；每 {interval} 秒采样一次（窗口较短时每 0.5 秒一次）</translation>
    </message>
    <message>
        <source>all services</source>
        <translation>全部服务</translation>
    </message>
    <message>
        <source>Compare with the dependencies of this service only (the services that run on the sampled host)</source>
        <translation>只与该服务的依赖对比（即运行在被采样主机上的服务）</translation>
    </message>
    <message>
        <source>Sample</source>
        <translation>采样</translation>
    </message>
    <message>
        <source>Sample this host&apos;s connections for the window (Ctrl+R)</source>
        <translation>在窗口时长内采样该主机的连接 (Ctrl+R)</translation>
    </message>
    <message>
        <source>Import file…</source>
        <translation>导入文件…</translation>
    </message>
    <message>
        <source>Compare an Azure Migrate, AWS Application Discovery or saved ss export</source>
        <translation>对比 Azure Migrate、AWS Application Discovery 或保存的 ss 导出文件</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Stop sampling; what came in is kept (Esc)</source>
        <translation>停止采样；已采集的内容会保留 (Esc)</translation>
    </message>
    <message>
        <source>all kinds</source>
        <translation>全部类型</translation>
    </message>
    <message>
        <source>all severities</source>
        <translation>全部严重级别</translation>
    </message>
    <message>
        <source>Discoveries recorded in this workspace</source>
        <translation>本工作区记录的依赖发现</translation>
    </message>
    <message>
        <source>Search peers, processes, zones…</source>
        <translation>搜索对端、进程、网络区域…</translation>
    </message>
    <message>
        <source>Add to inventory…</source>
        <translation>加入清单…</translation>
    </message>
    <message>
        <source>Write the selected peer as a dependency into a copy of the inventory</source>
        <translation>把选中的对端作为依赖写入清单的副本</translation>
    </message>
    <message>
        <source>Host:</source>
        <translation>主机：</translation>
    </message>
    <message>
        <source>for</source>
        <translation>时长</translation>
    </message>
    <message>
        <source>the dependencies of &lt;b&gt;{name}&lt;/b&gt;</source>
        <translation>&lt;b&gt;{name}&lt;/b&gt; 的依赖</translation>
    </message>
    <message>
        <source>the inventory (open one first)</source>
        <translation>清单（请先打开一个）</translation>
    </message>
    <message>
        <source>&lt;b&gt;Discovery&lt;/b&gt;: what a host really talks to, against {what}. Sample a host (its sockets, read repeatedly over the window) or import a dependency export; undocumented peers and undeclared callbacks are what inventories miss (incidents 4 and 5).</source>
        <translation>&lt;b&gt;依赖发现&lt;/b&gt;：主机实际在和谁通信，并与{what}对比。可以采样一台主机（在窗口时长内反复读取它的套接字），也可以导入依赖导出文件；清单里漏掉的，往往是未登记的对端和未声明的回调（事故 4 和 5）。</translation>
    </message>
    <message>
        <source>No discovery yet: sample a host or import an export file.</source>
        <translation>尚无依赖发现：请采样一台主机，或导入导出文件。</translation>
    </message>
    <message>
        <source>, </source>
        <translation>，</translation>
    </message>
    <message>
        <source>{n} {kind}</source>
        <translation>{n} 个{kind}</translation>
    </message>
    <message>
        <source>no finding</source>
        <translation>没有发现问题</translation>
    </message>
    <message>
        <source>{label} ({id})</source>
        <translation>{label}（{id}）</translation>
    </message>
    <message>
        <source>{label} (not recorded: no workspace)</source>
        <translation>{label}（未记录：没有工作区）</translation>
    </message>
    <message>
        <source>{where}: {peers} seen, {matched} in the inventory; {tally}</source>
        <translation>{where}：发现 {peers}，其中 {matched} 个在清单中；{tally}</translation>
    </message>
    <message>
        <source>{n} peer</source>
        <translation>{n} 个对端</translation>
    </message>
    <message>
        <source>{n} peers</source>
        <translation>{n} 个对端</translation>
    </message>
    <message>
        <source>; {n} loopback/link-local left out</source>
        <translation>；已略过 {n} 个环回/链路本地地址</translation>
    </message>
    <message>
        <source>.</source>
        <translation>。</translation>
    </message>
    <message>
        <source> Import: {note}.</source>
        <translation>导入：{note}。</translation>
    </message>
    <message>
        <source>stopped</source>
        <translation>已停止</translation>
    </message>
    <message>
        <source>Incomplete ({why}), what came in is kept — {text}</source>
        <translation>未完成（{why}），已采集的内容已保留 — {text}</translation>
    </message>
    <message>
        <source>note: {note}</source>
        <translation>备注：{note}</translation>
    </message>
    <message>
        <source>Select a row to see why it is there and what clears it.</source>
        <translation>选择一行，查看它出现的原因及清除条件。</translation>
    </message>
    <message>
        <source>A discovery is already running.</source>
        <translation>已有一次依赖发现在运行。</translation>
    </message>
    <message>
        <source>Wait until the inventory has loaded.</source>
        <translation>请等待清单加载完成。</translation>
    </message>
    <message>
        <source>Open an inventory first.</source>
        <translation>请先打开清单。</translation>
    </message>
    <message>
        <source>Pick or type a host first.</source>
        <translation>请先选择或输入一台主机。</translation>
    </message>
    <message>
        <source>Connecting to {host}…</source>
        <translation>正在连接 {host}…</translation>
    </message>
    <message>
        <source>Import connections (Azure Migrate, AWS, ss)</source>
        <translation>导入连接（Azure Migrate、AWS、ss）</translation>
    </message>
    <message>
        <source>Reading {name}…</source>
        <translation>正在读取 {name}…</translation>
    </message>
    <message>
        <source>Cancelling: what came in is kept…</source>
        <translation>正在取消：已采集的内容会保留…</translation>
    </message>
    <message>
        <source>Resolving the inventory&apos;s names on {host}…</source>
        <translation>正在 {host} 上解析清单中的名称…</translation>
    </message>
    <message>
        <source>Sampling {host}: {samples} samples, {peers} so far…</source>
        <translation>正在采样 {host}：已采样 {samples} 次，已发现 {peers}…</translation>
    </message>
    <message>
        <source>Import connections</source>
        <translation>导入连接</translation>
    </message>
    <message>
        <source>{name} covers several servers. Whose connections should be compared with the inventory? (name for Azure, address for AWS)</source>
        <translation>{name} 包含多台服务器的数据。要把哪台服务器的连接与清单对比？（Azure 填名称，AWS 填地址）</translation>
    </message>
    <message>
        <source>Could not sample: {why}</source>
        <translation>无法采样：{why}</translation>
    </message>
    <message>
        <source>Could not import: {why}</source>
        <translation>无法导入：{why}</translation>
    </message>
</context>
<context>
    <name>FlagsModel</name>
    <message>
        <source>post-mortem {n} (DESIGN.md)</source>
        <translation>事故复盘 {n}（DESIGN.md）</translation>
    </message>
</context>
<context>
    <name>FlagsPage</name>
    <message>
        <source>all severities</source>
        <translation>全部严重级别</translation>
    </message>
    <message>
        <source>all rules</source>
        <translation>全部规则</translation>
    </message>
    <message>
        <source>Search flags…</source>
        <translation>搜索风险标记…</translation>
    </message>
    <message>
        <source>No inventory loaded.</source>
        <translation>尚未加载清单。</translation>
    </message>
    <message>
        <source>, </source>
        <translation>，</translation>
    </message>
    <message>
        <source>no flags</source>
        <translation>没有风险标记</translation>
    </message>
    <message>
        <source>&lt;b&gt;{flags}&lt;/b&gt;: {counts}. Most severe first; click a column to sort.</source>
        <translation>&lt;b&gt;{flags}&lt;/b&gt;：{counts}。最严重的排在最前；点击列标题可排序。</translation>
    </message>
    <message>
        <source>{n} flag</source>
        <translation>{n} 个风险标记</translation>
    </message>
    <message>
        <source>{n} flags</source>
        <translation>{n} 个风险标记</translation>
    </message>
    <message>
        <source>Select a flag to see why it fired and what clears it.</source>
        <translation>选择一个风险标记，查看触发原因及清除条件。</translation>
    </message>
    <message>
        <source>&lt;b&gt;{severity} {rule} — {title}&lt;/b&gt; on &lt;b&gt;{ref}&lt;/b&gt;</source>
        <translation>&lt;b&gt;{severity} {rule} — {title}&lt;/b&gt;，位于 &lt;b&gt;{ref}&lt;/b&gt;</translation>
    </message>
    <message>
        <source>&lt;b&gt;Comes from incident {n}:&lt;/b&gt; {incident}</source>
        <translation>&lt;b&gt;来自事故 {n}：&lt;/b&gt;{incident}</translation>
    </message>
    <message>
        <source>&lt;b&gt;Cleared by:&lt;/b&gt; {what}</source>
        <translation>&lt;b&gt;清除条件：&lt;/b&gt;{what}</translation>
    </message>
</context>
<context>
    <name>HostKeyDialog</name>
    <message>
        <source>Unknown SSH host key</source>
        <translation>未知的 SSH 主机密钥</translation>
    </message>
    <message>
        <source>&lt;b&gt;{where}&lt;/b&gt; presented a host key that is not in your known_hosts. Compare the fingerprint with the one the host&apos;s owner gives you (&lt;tt&gt;ssh-keygen -lf /etc/ssh/ssh_host_*_key.pub&lt;/tt&gt; on the host) before trusting it.</source>
        <translation>&lt;b&gt;{where}&lt;/b&gt; 出示的主机密钥不在你的 known_hosts 中。信任之前，请把指纹与主机负责人提供的指纹核对（在该主机上运行 &lt;tt&gt;ssh-keygen -lf /etc/ssh/ssh_host_*_key.pub&lt;/tt&gt;）。</translation>
    </message>
    <message>
        <source>Host:</source>
        <translation>主机：</translation>
    </message>
    <message>
        <source>Key type:</source>
        <translation>密钥类型：</translation>
    </message>
    <message>
        <source>SHA-256 fingerprint:</source>
        <translation>SHA-256 指纹：</translation>
    </message>
    <message>
        <source>Already known:</source>
        <translation>已知密钥：</translation>
    </message>
    <message>
        <source>{types} (a different key type)</source>
        <translation>{types}（其他密钥类型）</translation>
    </message>
    <message>
        <source>Accept &amp;once</source>
        <translation>仅本次接受(&amp;O)</translation>
    </message>
    <message>
        <source>Accept and &amp;remember</source>
        <translation>接受并记住(&amp;R)</translation>
    </message>
    <message>
        <source>Re&amp;fuse</source>
        <translation>拒绝(&amp;F)</translation>
    </message>
</context>
<context>
    <name>HostMatrix</name>
    <message>
        <source>Click a cell for its evidence: every result of that dependency on that host.</source>
        <translation>点击单元格查看证据：该依赖在该主机上的每个结果。</translation>
    </message>
    <message>
        <source>&lt;b&gt;{dependency}&lt;/b&gt; on &lt;b&gt;{host}&lt;/b&gt; ({pool})</source>
        <translation>&lt;b&gt;{dependency}&lt;/b&gt;，在 &lt;b&gt;{host}&lt;/b&gt; 上（{pool}）</translation>
    </message>
    <message>
        <source>no pool</source>
        <translation>无池</translation>
    </message>
    <message>
        <source>No result from this host.</source>
        <translation>此主机没有结果。</translation>
    </message>
</context>
<context>
    <name>Interaction</name>
    <message>
        <source>Inventories (*.yaml *.yml);;All files (*)</source>
        <translation>清单 (*.yaml *.yml);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Workspaces (*.migready.json *.json);;All files (*)</source>
        <translation>工作区 (*.migready.json *.json);;所有文件 (*)</translation>
    </message>
</context>
<context>
    <name>InventoryAdder</name>
    <message>
        <source>Add to inventory</source>
        <translation>加入清单</translation>
    </message>
    <message>
        <source>Which service talks to {peer}? (type a new name to add a service)</source>
        <translation>哪个服务与 {peer} 通信？（输入新名称即新增服务）</translation>
    </message>
    <message>
        <source>Save the inventory copy as</source>
        <translation>清单副本另存为</translation>
    </message>
    <message>
        <source>{name} is the inventory itself: save the copy to another file.</source>
        <translation>{name} 就是清单本身：请把副本保存到另一个文件。</translation>
    </message>
    <message>
        <source>Writing {name}…</source>
        <translation>正在写入 {name}…</translation>
    </message>
    <message>
        <source>{refs} written to {out}: valid ({services}, {dependencies}); the inventory itself is unchanged.</source>
        <translation>{refs} 已写入 {out}：校验通过（{services}，{dependencies}）；清单本身未改动。</translation>
    </message>
    <message>
        <source>the dependency</source>
        <translation>该依赖</translation>
    </message>
    <message>
        <source>{n} service</source>
        <translation>{n} 个服务</translation>
    </message>
    <message>
        <source>{n} services</source>
        <translation>{n} 个服务</translation>
    </message>
    <message>
        <source>{n} dependency</source>
        <translation>{n} 个依赖</translation>
    </message>
    <message>
        <source>{n} dependencies</source>
        <translation>{n} 个依赖</translation>
    </message>
    <message>
        <source>Open the copy now? (a new workspace is started for it)</source>
        <translation>现在打开副本吗？（会为它新建工作区）</translation>
    </message>
    <message>
        <source>{out} was written but does NOT validate: {problems}</source>
        <translation>{out} 已写入，但校验未通过：{problems}</translation>
    </message>
    <message>
        <source>Cannot add to this inventory: {why}</source>
        <translation>无法加入此清单：{why}</translation>
    </message>
    <message>
        <source>Cannot write {out}: {why}</source>
        <translation>无法写入 {out}：{why}</translation>
    </message>
    <message>
        <source>Add to inventory failed</source>
        <translation>加入清单失败</translation>
    </message>
</context>
<context>
    <name>InventoryModel</name>
    <message>
        <source>{n} ({spec}, {probed} probed)</source>
        <translation>{n}（{spec}，探测 {probed} 个）</translation>
    </message>
    <message>
        <source>{n} ({spec})</source>
        <translation>{n}（{spec}）</translation>
    </message>
    <message>
        <source>{n} flag</source>
        <translation>{n} 个风险标记</translation>
    </message>
    <message>
        <source>{n} flags</source>
        <translation>{n} 个风险标记</translation>
    </message>
    <message>
        <source>{n} dependency</source>
        <translation>{n} 个依赖</translation>
    </message>
    <message>
        <source>{n} dependencies</source>
        <translation>{n} 个依赖</translation>
    </message>
    <message>
        <source>{kind} ({direction})</source>
        <translation>{kind}（{direction}）</translation>
    </message>
    <message>
        <source>{port} from {source_port}</source>
        <translation>{port}，源端口 {source_port}</translation>
    </message>
    <message>
        <source>service ({criticality})</source>
        <translation>服务（{criticality}）</translation>
    </message>
    <message>
        <source>owner {owner}</source>
        <translation>负责人 {owner}</translation>
    </message>
    <message>
        <source>source port {port} is checked by the peer</source>
        <translation>对端会校验源端口 {port}</translation>
    </message>
</context>
<context>
    <name>InventoryPage</name>
    <message>
        <source>Open an inventory (File ▸ Open, or drop a YAML file here).</source>
        <translation>打开清单（文件 ▸ 打开，或把 YAML 文件拖到这里）。</translation>
    </message>
    <message>
        <source>Open inventory…</source>
        <translation>打开清单…</translation>
    </message>
    <message>
        <source>Recent</source>
        <translation>最近打开</translation>
    </message>
    <message>
        <source>all device types</source>
        <translation>全部设备类型</translation>
    </message>
    <message>
        <source>all protocols</source>
        <translation>全部协议</translation>
    </message>
    <message>
        <source>any flag</source>
        <translation>任意风险标记</translation>
    </message>
    <message>
        <source>Search services, dependencies, hosts…</source>
        <translation>搜索服务、依赖、主机…</translation>
    </message>
    <message>
        <source>Open inventory</source>
        <translation>打开清单</translation>
    </message>
    <message>
        <source>&lt;b&gt;{path}&lt;/b&gt; cannot be used yet.</source>
        <translation>&lt;b&gt;{path}&lt;/b&gt; 暂时无法使用。</translation>
    </message>
    <message>
        <source>{n} problem to fix</source>
        <translation>{n} 个问题待修复</translation>
    </message>
    <message>
        <source>{n} problems to fix</source>
        <translation>{n} 个问题待修复</translation>
    </message>
    <message>
        <source>&lt;b&gt;{symbol} {problems}&lt;/b&gt;; click one to see the line.</source>
        <translation>&lt;b&gt;{symbol} {problems}&lt;/b&gt;；点击问题可查看对应行。</translation>
    </message>
    <message>
        <source>(none)</source>
        <translation>（无）</translation>
    </message>
    <message>
        <source>egress NAT</source>
        <translation>出网 NAT</translation>
    </message>
    <message>
        <source>no egress NAT</source>
        <translation>无出网 NAT</translation>
    </message>
    <message>
        <source>{site} ({nat})</source>
        <translation>{site}（{nat}）</translation>
    </message>
    <message>
        <source>{services}, {dependencies}, {flags}</source>
        <translation>{services}，{dependencies}，{flags}</translation>
    </message>
    <message>
        <source>{n} service</source>
        <translation>{n} 个服务</translation>
    </message>
    <message>
        <source>{n} services</source>
        <translation>{n} 个服务</translation>
    </message>
    <message>
        <source>{n} dependency</source>
        <translation>{n} 个依赖</translation>
    </message>
    <message>
        <source>{n} dependencies</source>
        <translation>{n} 个依赖</translation>
    </message>
    <message>
        <source>{n} flag</source>
        <translation>{n} 个风险标记</translation>
    </message>
    <message>
        <source>{n} flags</source>
        <translation>{n} 个风险标记</translation>
    </message>
</context>
<context>
    <name>KeyDialog</name>
    <message>
        <source>New signing key</source>
        <translation>新建签名密钥</translation>
    </message>
    <message>
        <source>An Ed25519 key pair for signing reports. The private key stays with you; the .pub file next to it carries your name and role and is what others use to verify.</source>
        <translation>用于签署报告的 Ed25519 密钥对。私钥由你本人保管；旁边的 .pub 文件带有你的姓名和角色，供他人验证签名。</translation>
    </message>
    <message>
        <source>where to write the private key</source>
        <translation>私钥的保存位置</translation>
    </message>
    <message>
        <source>protects the key if the file is copied</source>
        <translation>文件被复制时用于保护私钥</translation>
    </message>
    <message>
        <source>No passphrase (only for a key kept in a secret store, e.g. for CI)</source>
        <translation>不设口令（仅适用于保存在密钥库中的私钥，例如 CI）</translation>
    </message>
    <message>
        <source>Your name:</source>
        <translation>你的姓名：</translation>
    </message>
    <message>
        <source>Role:</source>
        <translation>角色：</translation>
    </message>
    <message>
        <source>Key file:</source>
        <translation>私钥文件：</translation>
    </message>
    <message>
        <source>Passphrase:</source>
        <translation>口令：</translation>
    </message>
    <message>
        <source>Again:</source>
        <translation>再次输入：</translation>
    </message>
    <message>
        <source>Create key</source>
        <translation>创建密钥</translation>
    </message>
    <message>
        <source>Private key</source>
        <translation>私钥</translation>
    </message>
    <message>
        <source>All files (*)</source>
        <translation>所有文件 (*)</translation>
    </message>
    <message>
        <source>your name</source>
        <translation>你的姓名</translation>
    </message>
    <message>
        <source>a role</source>
        <translation>角色</translation>
    </message>
    <message>
        <source>a key file</source>
        <translation>私钥文件</translation>
    </message>
    <message>
        <source>a passphrase (or tick &apos;No passphrase&apos;)</source>
        <translation>口令（或勾选“不设口令”）</translation>
    </message>
    <message>
        <source>Needed: {what}.</source>
        <translation>还需要：{what}。</translation>
    </message>
    <message>
        <source>, </source>
        <translation>，</translation>
    </message>
    <message>
        <source>The passphrases differ.</source>
        <translation>两次输入的口令不一致。</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Saved</source>
        <translation>已保存</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;Open inventory…</source>
        <translation>打开清单(&amp;O)…</translation>
    </message>
    <message>
        <source>Open &amp;workspace…</source>
        <translation>打开工作区(&amp;W)…</translation>
    </message>
    <message>
        <source>Open &amp;recent</source>
        <translation>最近打开(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;New workspace</source>
        <translation>新建工作区(&amp;N)</translation>
    </message>
    <message>
        <source>Start a fresh review of the current inventory</source>
        <translation>对当前清单重新开始一次评审</translation>
    </message>
    <message>
        <source>&amp;Save workspace</source>
        <translation>保存工作区(&amp;S)</translation>
    </message>
    <message>
        <source>Save workspace &amp;as…</source>
        <translation>工作区另存为(&amp;A)…</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <source>Steps rail</source>
        <translation>步骤栏</translation>
    </message>
    <message>
        <source>Show or hide the steps on the left (more room for the tables)</source>
        <translation>显示或隐藏左侧的步骤栏（给表格留出更多空间）</translation>
    </message>
    <message>
        <source>&amp;Go</source>
        <translation>转到(&amp;G)</translation>
    </message>
    <message>
        <source>&amp;Run</source>
        <translation>运行(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;Run probes on this page</source>
        <translation>在本页运行探测(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;Cancel the probe run</source>
        <translation>取消探测运行(&amp;C)</translation>
    </message>
    <message>
        <source>&amp;Attest my probe runs with a key…</source>
        <translation>用密钥为我的探测运行签名证明(&amp;A)…</translation>
    </message>
    <message>
        <source>Sign each probe run you make in this session with your key (made by migready keygen): the report shows it as run by you</source>
        <translation>用你的密钥（由 migready keygen 生成）为本次会话中的每次探测运行签名：报告中会显示为由你运行</translation>
    </message>
    <message>
        <source>&amp;Find on this page</source>
        <translation>在本页查找(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;Language</source>
        <translation>语言(&amp;L)</translation>
    </message>
    <message>
        <source>Show the window in {name} from the next start</source>
        <translation>下次启动起界面语言为“{name}”</translation>
    </message>
    <message>
        <source>The window is in {name}.</source>
        <translation>界面当前语言就是“{name}”。</translation>
    </message>
    <message>
        <source>Language: {name}</source>
        <translation>语言：{name}</translation>
    </message>
    <message>
        <source>Saved. The window speaks {name} from the next start: close migready and open it again.</source>
        <translation>已保存。下次启动时界面语言将切换为“{name}”：请关闭 migready 后重新打开。</translation>
    </message>
    <message>
        <source>Language saved: {name} (applies at the next start)</source>
        <translation>语言已保存：{name}（下次启动时生效）</translation>
    </message>
    <message>
        <source>to do</source>
        <translation>待办</translation>
    </message>
    <message>
        <source>{title} (a tool, not a step of the review): {hint}</source>
        <translation>{title}（工具，不属于评审步骤）：{hint}</translation>
    </message>
    <message>
        <source>The inventory has {n} problem to fix first (Inventory step).</source>
        <translation>清单中有 {n} 个问题需要先修正（清单步骤）。</translation>
    </message>
    <message>
        <source>The inventory has {n} problems to fix first (Inventory step).</source>
        <translation>清单中有 {n} 个问题需要先修正（清单步骤）。</translation>
    </message>
    <message>
        <source>no workspace</source>
        <translation>无工作区</translation>
    </message>
    <message>
        <source>untitled (autosaved as {name})</source>
        <translation>未命名（自动保存为 {name}）</translation>
    </message>
    <message>
        <source>no inventory</source>
        <translation>无清单</translation>
    </message>
    <message>
        <source>Probing…</source>
        <translation>正在探测…</translation>
    </message>
    <message>
        <source>Open inventory</source>
        <translation>打开清单</translation>
    </message>
    <message>
        <source>Open workspace</source>
        <translation>打开工作区</translation>
    </message>
    <message>
        <source>Save workspace as</source>
        <translation>工作区另存为</translation>
    </message>
    <message>
        <source>Go to a probe page (Ctrl+3 or Ctrl+4) to run probes.</source>
        <translation>请转到探测页（Ctrl+3 或 Ctrl+4）再运行探测。</translation>
    </message>
    <message>
        <source>Your signing key (migready keygen)</source>
        <translation>你的签名密钥（migready keygen）</translation>
    </message>
    <message>
        <source>Private key (*)</source>
        <translation>私钥 (*)</translation>
    </message>
    <message>
        <source>Passphrase for {path}:</source>
        <translation>{path} 的口令：</translation>
    </message>
    <message>
        <source>Key not usable</source>
        <translation>密钥不可用</translation>
    </message>
    <message>
        <source>Probe runs are now attested by {name} ({role}).</source>
        <translation>此后的探测运行将由 {name}（{role}）签名证明。</translation>
    </message>
</context>
<context>
    <name>MarkDialog</name>
    <message>
        <source>Mark {state}</source>
        <translation>标记为 {state}</translation>
    </message>
    <message>
        <source>&lt;b&gt;{id}&lt;/b&gt;&lt;br&gt;{title}&lt;br&gt;mark it &lt;b&gt;{state}&lt;/b&gt;</source>
        <translation>&lt;b&gt;{id}&lt;/b&gt;&lt;br&gt;{title}&lt;br&gt;标记为 &lt;b&gt;{state}&lt;/b&gt;</translation>
    </message>
    <message>
        <source>your name</source>
        <translation>你的姓名</translation>
    </message>
    <message>
        <source>what you checked, or why it does not apply</source>
        <translation>你检查了什么，或为什么不适用</translation>
    </message>
    <message>
        <source>Your name:</source>
        <translation>你的姓名：</translation>
    </message>
    <message>
        <source>Note:</source>
        <translation>备注：</translation>
    </message>
    <message>
        <source>This item is decided by probe evidence: your mark holds only until newer evidence arrives.</source>
        <translation>此检查项由探测证据决定：你的人工标记只在新的证据到来之前有效。</translation>
    </message>
</context>
<context>
    <name>MessageBar</name>
    <message>
        <source>Dismiss</source>
        <translation>关闭</translation>
    </message>
</context>
<context>
    <name>PlanDialog</name>
    <message>
        <source>Probe plan: what this run will contact</source>
        <translation>探测计划：本次运行将连接哪些目标</translation>
    </message>
    <message>
        <source>&lt;b&gt;{summary}&lt;/b&gt;&lt;br&gt;Nothing has been sent yet.</source>
        <translation>&lt;b&gt;{summary}&lt;/b&gt;&lt;br&gt;尚未发送任何流量。</translation>
    </message>
    <message>
        <source>Run probes</source>
        <translation>运行探测</translation>
    </message>
</context>
<context>
    <name>ProbePage</name>
    <message>
        <source>Pre-migration probes</source>
        <translation>迁移前探测</translation>
    </message>
    <message>
        <source>source</source>
        <translation>源</translation>
    </message>
    <message>
        <source>before the move: the baseline every later result is compared with</source>
        <translation>在迁移前运行：这是迁移前基线，之后的每个结果都与它比较</translation>
    </message>
    <message>
        <source>Post-migration probes</source>
        <translation>迁移后探测</translation>
    </message>
    <message>
        <source>target</source>
        <translation>目标</translation>
    </message>
    <message>
        <source>after the move: what changed is on the Compare page</source>
        <translation>在迁移后运行：变化见“对比”页</translation>
    </message>
    <message>
        <source>ssh://user@host:port or local://</source>
        <translation>ssh://user@host:port 或 local://</translation>
    </message>
    <message>
        <source>Run probes</source>
        <translation>运行探测</translation>
    </message>
    <message>
        <source>Run the probe plan on this host (Ctrl+R)</source>
        <translation>在此主机上运行探测计划（Ctrl+R）</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Stop the run; the results that arrived are kept (Esc)</source>
        <translation>停止运行；已收到的结果会保留（Esc）</translation>
    </message>
    <message>
        <source>%v / %m probes</source>
        <translation>%v / %m 项探测</translation>
    </message>
    <message>
        <source>all results</source>
        <translation>全部结果</translation>
    </message>
    <message>
        <source>Search results…</source>
        <translation>搜索结果…</translation>
    </message>
    <message>
        <source>Staging host:</source>
        <translation>预发主机：</translation>
    </message>
    <message>
        <source>Results</source>
        <translation>结果</translation>
    </message>
    <message>
        <source>By host</source>
        <translation>按主机</translation>
    </message>
    <message>
        <source>Every dependency on every staging host of the phase: click a cell for its evidence</source>
        <translation>本阶段每台预发主机上的每个依赖：点击单元格查看证据</translation>
    </message>
    <message>
        <source>every staging host of the phase</source>
        <translation>本阶段的每台预发主机</translation>
    </message>
    <message>
        <source> of the {side} site &lt;b&gt;{site}&lt;/b&gt;</source>
        <translation>（{side}站点 &lt;b&gt;{site}&lt;/b&gt;）</translation>
    </message>
    <message>
        <source>&lt;b&gt;{title}&lt;/b&gt;: run the probe plan from a staging host{site}, {why}.</source>
        <translation>&lt;b&gt;{title}&lt;/b&gt;：从预发主机{site}运行探测计划，{why}。</translation>
    </message>
    <message>
        <source>No run yet: pick a staging host and press Run probes.</source>
        <translation>尚未运行：请选择预发主机，然后点击“运行探测”。</translation>
    </message>
    <message>
        <source>, </source>
        <translation>，</translation>
    </message>
    <message>
        <source>{run} from {host} finished {when} UTC: {tally}.</source>
        <translation>{run}（来自 {host}）已于 {when} UTC 完成：{tally}。</translation>
    </message>
    <message>
        <source>{run} from {host} is incomplete ({why}): {kept} of {planned} results kept: {tally}.</source>
        <translation>{run}（来自 {host}）未完成（{why}）：已保留 {kept}/{planned} 个结果：{tally}。</translation>
    </message>
    <message>
        <source>stopped</source>
        <translation>已停止</translation>
    </message>
    <message>
        <source>Not run: nothing was sent.</source>
        <translation>未运行：没有发送任何内容。</translation>
    </message>
    <message>
        <source>Looking up the staging hosts of the phase…</source>
        <translation>正在查找此阶段的预发主机…</translation>
    </message>
    <message>
        <source>Looking up the staging hosts: {what} ({number} of {total})…</source>
        <translation>正在查找预发主机：{what}（第 {number} 个，共 {total} 个）…</translation>
    </message>
    <message>
        <source>Could not run: the phase has no staging host.</source>
        <translation>无法运行：此阶段没有预发主机。</translation>
    </message>
    <message>
        <source>Could not look up the staging hosts: {why}</source>
        <translation>无法查找预发主机：{why}</translation>
    </message>
    <message>
        <source>Another probe run is going on.</source>
        <translation>另一个探测运行正在进行。</translation>
    </message>
    <message>
        <source>Wait until the inventory has loaded.</source>
        <translation>请等待清单加载完成。</translation>
    </message>
    <message>
        <source>Open an inventory first.</source>
        <translation>请先打开清单。</translation>
    </message>
    <message>
        <source>Pick or type a staging host first.</source>
        <translation>请先选择或输入预发主机。</translation>
    </message>
    <message>
        <source>Connecting to {host}…</source>
        <translation>正在连接 {host}…</translation>
    </message>
    <message>
        <source>every staging host</source>
        <translation>每台预发主机</translation>
    </message>
    <message>
        <source>Not run: the lookup of the staging hosts was cancelled; nothing was sent.</source>
        <translation>未运行：已取消查找预发主机；没有发送任何内容。</translation>
    </message>
    <message>
        <source>Cancelling: the results that arrived are kept…</source>
        <translation>正在取消：已收到的结果会保留…</translation>
    </message>
    <message>
        <source>Probing from {host}: {done} of {total}…</source>
        <translation>正在从 {host} 探测：{done}/{total}…</translation>
    </message>
    <message>
        <source>Could not run: {why}</source>
        <translation>无法运行：{why}</translation>
    </message>
</context>
<context>
    <name>RecentFiles</name>
    <message>
        <source>(nothing opened yet)</source>
        <translation>（尚未打开过文件）</translation>
    </message>
</context>
<context>
    <name>RehearsalPage</name>
    <message>
        <source>blackhole</source>
        <translation>黑洞（静默丢弃）</translation>
    </message>
    <message>
        <source>reject</source>
        <translation>拒绝连接</translation>
    </message>
    <message>
        <source>delay</source>
        <translation>延迟</translation>
    </message>
    <message>
        <source>&lt;b&gt;Rehearsal&lt;/b&gt;: break one dependency on a staging host for a bounded time and measure whether the service&apos;s health endpoint fails fast (incidents 2 and 3).</source>
        <translation>&lt;b&gt;演练&lt;/b&gt;：在预发主机上让一个依赖在限定时间内失效，测量服务的健康检查接口是否快速失败（事故 2 和 3）。</translation>
    </message>
    <message>
        <source> ms</source>
        <translation> 毫秒</translation>
    </message>
    <message>
        <source> s</source>
        <translation> 秒</translation>
    </message>
    <message>
        <source>Rehearse…</source>
        <translation>演练…</translation>
    </message>
    <message>
        <source>Show the rules and ask before applying them</source>
        <translation>先显示规则，应用前再确认</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Stop now: the fault is removed and what came in is kept (Esc)</source>
        <translation>立即停止：移除故障注入，已收到的结果会保留（Esc）</translation>
    </message>
    <message>
        <source>Staging host:</source>
        <translation>预发主机：</translation>
    </message>
    <message>
        <source>Dependency:</source>
        <translation>依赖：</translation>
    </message>
    <message>
        <source>Fault:</source>
        <translation>故障注入：</translation>
    </message>
    <message>
        <source>Duration:</source>
        <translation>持续时间：</translation>
    </message>
    <message>
        <source>Rules and revert (dry run)</source>
        <translation>规则及撤销（试运行）</translation>
    </message>
    <message>
        <source>Nothing applied yet: the rules above are what Rehearse… would install.</source>
        <translation>尚未应用任何规则：上面就是“演练…”将要安装的规则。</translation>
    </message>
    <message>
        <source>Nothing can be applied: the dry run above says why.</source>
        <translation>无法应用任何规则：上方的试运行说明了原因。</translation>
    </message>
    <message>
        <source>Open an inventory first.</source>
        <translation>请先打开清单。</translation>
    </message>
    <message>
        <source>The inventory lists no staging host or no outbound dependency.</source>
        <translation>清单中没有预发主机，或没有出向依赖。</translation>
    </message>
    <message>
        <source>Refused: {why}</source>
        <translation>已拒绝：{why}</translation>
    </message>
    <message>
        <source>Another run is going on, or the workspace is not open yet.</source>
        <translation>另一个运行正在进行，或工作区尚未打开。</translation>
    </message>
    <message>
        <source>Apply this fault?</source>
        <translation>应用此故障注入？</translation>
    </message>
    <message>
        <source>{rules}

Apply these rules on {host} now?</source>
        <translation>{rules}

现在在 {host} 上应用这些规则吗？</translation>
    </message>
    <message>
        <source>Not applied: nothing was sent.</source>
        <translation>未应用：没有发送任何内容。</translation>
    </message>
    <message>
        <source>Rehearsing {dependency} on {host}…</source>
        <translation>正在 {host} 上演练 {dependency}…</translation>
    </message>
    <message>
        <source>Cancelling: removing the fault…</source>
        <translation>正在取消：移除故障注入…</translation>
    </message>
    <message>
        <source>fault removed</source>
        <translation>故障注入已移除</translation>
    </message>
    <message>
        <source>fault removal NOT confirmed (the watchdog removes it)</source>
        <translation>未能确认故障注入已移除（看门狗会将其移除）</translation>
    </message>
    <message>
        <source>{run}: {verdict}: {text} ({removed})</source>
        <translation>{run}：{verdict}：{text}（{removed}）</translation>
    </message>
    <message>
        <source>Could not run: {why}</source>
        <translation>无法运行：{why}</translation>
    </message>
</context>
<context>
    <name>ReportPreview</name>
    <message>
        <source>&lt;b&gt;The preview stops here, after {percent}% of the report.&lt;/b&gt; Export it (HTML or PDF) to read all of it.</source>
        <translation>&lt;b&gt;预览到此为止，已显示报告的 {percent}%。&lt;/b&gt;导出（HTML 或 PDF）即可阅读全文。</translation>
    </message>
</context>
<context>
    <name>ResultsModel</name>
    <message>
        <source>latency in milliseconds</source>
        <translation>时延（毫秒）</translation>
    </message>
</context>
<context>
    <name>Session</name>
    <message>
        <source>Loading {name}…</source>
        <translation>正在加载 {name}…</translation>
    </message>
    <message>
        <source>Opening {name}…</source>
        <translation>正在打开 {name}…</translation>
    </message>
    <message>
        <source>{name}: {problems} to fix</source>
        <translation>{name}：{problems}需要修正</translation>
    </message>
    <message>
        <source>{n} problem</source>
        <translation>{n} 个问题</translation>
    </message>
    <message>
        <source>{n} problems</source>
        <translation>{n} 个问题</translation>
    </message>
    <message>
        <source>{name}: {services}, {dependencies}, {flags}</source>
        <translation>{name}：{services}，{dependencies}，{flags}</translation>
    </message>
    <message>
        <source>{n} service</source>
        <translation>{n} 个服务</translation>
    </message>
    <message>
        <source>{n} services</source>
        <translation>{n} 个服务</translation>
    </message>
    <message>
        <source>{n} dependency</source>
        <translation>{n} 个依赖</translation>
    </message>
    <message>
        <source>{n} dependencies</source>
        <translation>{n} 个依赖</translation>
    </message>
    <message>
        <source>{n} flag</source>
        <translation>{n} 个风险标记</translation>
    </message>
    <message>
        <source>{n} flags</source>
        <translation>{n} 个风险标记</translation>
    </message>
    <message>
        <source>Cannot open</source>
        <translation>无法打开</translation>
    </message>
    <message>
        <source>New workspace (untitled: autosaved until you save it somewhere)</source>
        <translation>新工作区（未命名：在你另存之前会自动保存）</translation>
    </message>
    <message>
        <source>Cannot save the workspace</source>
        <translation>无法保存工作区</translation>
    </message>
    <message>
        <source>Review failed</source>
        <translation>评审失败</translation>
    </message>
    <message>
        <source>{item} marked {state}</source>
        <translation>{item} 已标记为{state}</translation>
    </message>
    <message>
        <source>{target} waived until {until}</source>
        <translation>{target} 已豁免至 {until}</translation>
    </message>
    <message>
        <source>Not ready</source>
        <translation>尚未就绪</translation>
    </message>
    <message>
        <source>the checklist is still being computed; try again in a moment</source>
        <translation>检查单仍在计算中，请稍后再试</translation>
    </message>
    <message>
        <source>Not recorded</source>
        <translation>未记录</translation>
    </message>
</context>
<context>
    <name>SignDialog</name>
    <message>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <source>Sign the report</source>
        <translation>签字确认报告</translation>
    </message>
    <message>
        <source>You sign the report&apos;s content as it is now: verdict &lt;b&gt;{verdict}&lt;/b&gt;, content digest &lt;tt&gt;{digest}…&lt;/tt&gt;. Any later change (a run, a mark, a waiver) makes this signature stale, visibly.</source>
        <translation>你签署的是报告当前的内容：结论 &lt;b&gt;{verdict}&lt;/b&gt;，内容摘要 &lt;tt&gt;{digest}…&lt;/tt&gt;。之后的任何变更（一次运行、一个人工标记、一项豁免）都会让这个签名明显地失效。</translation>
    </message>
    <message>
        <source>private key made by `migready keygen` (its .pub must sit next to it)</source>
        <translation>由 `migready keygen` 生成的私钥（其 .pub 文件须在同一目录）</translation>
    </message>
    <message>
        <source>Approve (go)</source>
        <translation>批准（放行）</translation>
    </message>
    <message>
        <source>Reject (no go)</source>
        <translation>驳回（不放行）</translation>
    </message>
    <message>
        <source>optional; say why when you reject</source>
        <translation>可选；驳回时请说明原因</translation>
    </message>
    <message>
        <source>the key is encrypted</source>
        <translation>该私钥已加密</translation>
    </message>
    <message>
        <source>Passphrase:</source>
        <translation>口令：</translation>
    </message>
    <message>
        <source>required: the evidence says NO-GO; why approve anyway (every report shows it)</source>
        <translation>必填：证据结论为不放行；说明为何仍予批准（每份报告都会注明）</translation>
    </message>
    <message>
        <source>Override reason:</source>
        <translation>仍予批准的理由：</translation>
    </message>
    <message>
        <source>Sign as an extra role the policy does not require (--extra-role)</source>
        <translation>以策略未要求的额外角色签字</translation>
    </message>
    <message>
        <source>Key file:</source>
        <translation>私钥文件：</translation>
    </message>
    <message>
        <source>Decision:</source>
        <translation>决定：</translation>
    </message>
    <message>
        <source>Comment:</source>
        <translation>意见：</translation>
    </message>
    <message>
        <source>Sign</source>
        <translation>签字</translation>
    </message>
    <message>
        <source>Private key</source>
        <translation>私钥</translation>
    </message>
    <message>
        <source>All files (*)</source>
        <translation>所有文件 (*)</translation>
    </message>
</context>
<context>
    <name>SignoffModel</name>
    <message>
        <source>{state} awaiting</source>
        <translation>{state} 等待签字</translation>
    </message>
    <message>
        <source>{state} signature invalid</source>
        <translation>{state} 签名无效</translation>
    </message>
    <message>
        <source>{state} unverified: key not trusted (does not count)</source>
        <translation>{state} 未验证：密钥不受信任（不计入）</translation>
    </message>
    <message>
        <source>{state} chain broken: a sign-off before it was removed or moved (does not count)</source>
        <translation>{state} 签字确认链已断开：之前的签字确认被删除或调换顺序（不计入）</translation>
    </message>
    <message>
        <source>{symbol} replaced by the signer&apos;s later sign-off</source>
        <translation>{symbol} 已被签字人之后的签字确认取代</translation>
    </message>
    <message>
        <source>{symbol} STALE (content changed)</source>
        <translation>{symbol} 已失效（内容已变更）</translation>
    </message>
    <message>
        <source>{state} counts</source>
        <translation>{state} 有效</translation>
    </message>
    <message>
        <source>{state} rejected</source>
        <translation>{state} 已驳回</translation>
    </message>
    <message>
        <source>{decision}, overriding NO-GO: {reason}</source>
        <translation>{decision}，证据结论为不放行仍予批准，理由：{reason}</translation>
    </message>
    <message>
        <source>(malformed key)</source>
        <translation>（公钥格式错误）</translation>
    </message>
    <message>
        <source>{role} (not required)</source>
        <translation>{role}（非必需）</translation>
    </message>
</context>
<context>
    <name>SignoffPage</name>
    <message>
        <source>The report appears once an inventory is open.</source>
        <translation>打开清单后即显示报告。</translation>
    </message>
    <message>
        <source>Sign with key file…</source>
        <translation>用密钥文件签字确认…</translation>
    </message>
    <message>
        <source>New signing key…</source>
        <translation>新建签名密钥…</translation>
    </message>
    <message>
        <source>Export report ▾</source>
        <translation>导出报告 ▾</translation>
    </message>
    <message>
        <source>Cannot build the report</source>
        <translation>无法生成报告</translation>
    </message>
    <message>
        <source>&lt;b&gt;Report verdict: {verdict}&lt;/b&gt;: {tally} (evidence says {evidence}) · content digest &lt;tt&gt;{digest}…&lt;/tt&gt;</source>
        <translation>&lt;b&gt;报告结论：{verdict}&lt;/b&gt;：{tally}（证据结论为{evidence}）· 内容摘要 &lt;tt&gt;{digest}…&lt;/tt&gt;</translation>
    </message>
    <message>
        <source>Awaiting sign-off: {roles}</source>
        <translation>等待签字确认：{roles}</translation>
    </message>
    <message>
        <source>Every required role signed.</source>
        <translation>所有必需角色均已签字确认。</translation>
    </message>
    <message>
        <source>Passphrase for {path}:</source>
        <translation>{path} 的口令：</translation>
    </message>
    <message>
        <source>Not signed</source>
        <translation>未签字</translation>
    </message>
    <message>
        <source>approve</source>
        <translation>批准</translation>
    </message>
    <message>
        <source>reject</source>
        <translation>驳回</translation>
    </message>
    <message>
        <source>Signed by {name} ({role}): {decision}</source>
        <translation>{name}（{role}）已签字确认：{decision}</translation>
    </message>
    <message>
        <source>Key written: {path} (public part {pub})</source>
        <translation>密钥已写入：{path}（公钥 {pub}）</translation>
    </message>
    <message>
        <source>No key made</source>
        <translation>未生成密钥</translation>
    </message>
    <message>
        <source>Export the report as {format}</source>
        <translation>将报告导出为 {format}</translation>
    </message>
    <message>
        <source>Writing {path}…</source>
        <translation>正在写入 {path}…</translation>
    </message>
    <message>
        <source>Report written: {path}</source>
        <translation>报告已写入：{path}</translation>
    </message>
    <message>
        <source>Report not written</source>
        <translation>报告未写入</translation>
    </message>
</context>
<context>
    <name>VerdictBanner</name>
    <message>
        <source>Why? ▸</source>
        <translation>为什么？▸</translation>
    </message>
    <message>
        <source>Every root cause, with its evidence and what clears it</source>
        <translation>每个根因及其证据和消除方法</translation>
    </message>
    <message>
        <source>No verdict yet</source>
        <translation>尚无结论</translation>
    </message>
    <message>
        <source>Computing…</source>
        <translation>正在计算…</translation>
    </message>
    <message>
        <source>Open an inventory to start.</source>
        <translation>打开清单即可开始。</translation>
    </message>
    <message>
        <source>Not probed yet</source>
        <translation>尚未探测</translation>
    </message>
    <message>
        <source>nothing open</source>
        <translation>无未决项</translation>
    </message>
    <message>
        <source>{n} warning</source>
        <translation>{n} 条警告</translation>
    </message>
    <message>
        <source>{n} warnings</source>
        <translation>{n} 条警告</translation>
    </message>
    <message>
        <source>…and {n} more root cause (Why? ▸)</source>
        <translation>……另有 {n} 个根因（为什么？▸）</translation>
    </message>
    <message>
        <source>…and {n} more root causes (Why? ▸)</source>
        <translation>……另有 {n} 个根因（为什么？▸）</translation>
    </message>
</context>
<context>
    <name>WaiveDialog</name>
    <message>
        <source>Waive checklist item</source>
        <translation>豁免检查项</translation>
    </message>
    <message>
        <source>now: {state}</source>
        <translation>当前：{state}</translation>
    </message>
    <message>
        <source>only this item ({id})</source>
        <translation>仅此检查项（{id}）</translation>
    </message>
    <message>
        <source>every item of {dependency}</source>
        <translation>{dependency} 的所有检查项</translation>
    </message>
    <message>
        <source>every item of its dependency</source>
        <translation>其依赖的所有检查项</translation>
    </message>
    <message>
        <source>who grants the waiver</source>
        <translation>批准豁免的人</translation>
    </message>
    <message>
        <source>why it is acceptable to go ahead anyway, and what mitigates it</source>
        <translation>为什么仍可继续推进，以及有哪些缓解措施</translation>
    </message>
    <message>
        <source>Waive:</source>
        <translation>豁免范围：</translation>
    </message>
    <message>
        <source>Your name:</source>
        <translation>你的姓名：</translation>
    </message>
    <message>
        <source>Justification:</source>
        <translation>理由：</translation>
    </message>
    <message>
        <source>Expires on:</source>
        <translation>到期日：</translation>
    </message>
    <message>
        <source>Waive</source>
        <translation>豁免</translation>
    </message>
    <message>
        <source>The waiver is logged with your name. It counts only until it expires, and only while the evidence stays what it is now; the verdict is {verdict} at best.</source>
        <translation>豁免会连同你的姓名记入日志。它只在到期之前、且证据保持现状时有效；结论最多为{verdict}。</translation>
    </message>
    <message>
        <source>your name</source>
        <translation>你的姓名</translation>
    </message>
    <message>
        <source>a justification</source>
        <translation>理由</translation>
    </message>
    <message>
        <source>Needed: {what}.</source>
        <translation>还需要：{what}。</translation>
    </message>
    <message>
        <source> and </source>
        <translation>和</translation>
    </message>
</context>
<context>
    <name>WhyDialog</name>
    <message>
        <source>Why {verdict}</source>
        <translation>为什么是{verdict}</translation>
    </message>
    <message>
        <source>{verdict}: {tally}</source>
        <translation>{verdict}：{tally}</translation>
    </message>
    <message>
        <source>…and {n} more root causes (Show more)</source>
        <translation>……另有 {n} 个根因（显示更多）</translation>
    </message>
    <message>
        <source>{n}. {headline}
     items: {items}</source>
        <translation>{n}. {headline}
     检查项：{items}</translation>
    </message>
    <message>
        <source>Details (checklist item ids):</source>
        <translation>详情（检查项 id）：</translation>
    </message>
    <message>
        <source>Show {n} more</source>
        <translation>再显示 {n} 个</translation>
    </message>
    <message>
        <source>Open the checklist</source>
        <translation>打开检查单</translation>
    </message>
</context>
<context>
    <name>Words</name>
    <message>
        <source>warning</source>
        <translation>警告</translation>
    </message>
    <message>
        <source>undocumented</source>
        <translation>未登记</translation>
    </message>
    <message>
        <source>unseen</source>
        <translation>未出现</translation>
    </message>
    <message>
        <source>unused-listener</source>
        <translation>无人使用的监听端</translation>
    </message>
    <message>
        <source>documented</source>
        <translation>已登记</translation>
    </message>
    <message>
        <source>other</source>
        <translation>其他</translation>
    </message>
    <message>
        <source>critical</source>
        <translation>关键</translation>
    </message>
    <message>
        <source>approve</source>
        <translation>批准</translation>
    </message>
    <message>
        <source>reject</source>
        <translation>驳回</translation>
    </message>
</context>
<context>
    <name>jobs</name>
    <message>
        <source>the workspace names no inventory</source>
        <translation>工作区未指明清单</translation>
    </message>
</context>
<context>
    <name>rehearsal</name>
    <message>
        <source>timed out</source>
        <translation>超时</translation>
    </message>
    <message>
        <source>baseline</source>
        <translation>基线</translation>
    </message>
    <message>
        <source>fault</source>
        <translation>故障中</translation>
    </message>
    <message>
        <source>recovery</source>
        <translation>恢复中</translation>
    </message>
    <message>
        <source>after</source>
        <translation>恢复后</translation>
    </message>
    <message>
        <source>{stage} call {n}: {ms} ms ({answer})</source>
        <translation>{stage} 第 {n} 次调用：{ms} 毫秒（{answer}）</translation>
    </message>
    <message>
        <source>inconclusive: {reason}: {detail}</source>
        <translation>无法判定：{reason}：{detail}</translation>
    </message>
    <message>
        <source>armed: watchdog pid {pid}, deadline {deadline} s</source>
        <translation>已就绪：看门狗 pid {pid}，期限 {deadline} 秒</translation>
    </message>
    <message>
        <source>applied: fault in chain {chain}</source>
        <translation>已应用：故障注入位于链 {chain}</translation>
    </message>
    <message>
        <source>reverted: fault removed</source>
        <translation>已回滚：故障注入已移除</translation>
    </message>
    <message>
        <source>reverted: STILL PRESENT: {left}</source>
        <translation>已回滚：仍然存在：{left}</translation>
    </message>
    <message>
        <source>recovered: healthy {ms} ms after the revert</source>
        <translation>已恢复：回滚后 {ms} 毫秒恢复健康</translation>
    </message>
    <message>
        <source>not_recovered: not healthy within {seconds} s</source>
        <translation>未恢复：{seconds} 秒内未恢复健康</translation>
    </message>
</context>
<context>
    <name>steps</name>
    <message>
        <source>Inventory</source>
        <translation>清单</translation>
    </message>
    <message>
        <source>Flags</source>
        <translation>风险标记</translation>
    </message>
    <message>
        <source>Pre-migration probes</source>
        <translation>迁移前探测</translation>
    </message>
    <message>
        <source>Post-migration probes</source>
        <translation>迁移后探测</translation>
    </message>
    <message>
        <source>Compare</source>
        <translation>对比</translation>
    </message>
    <message>
        <source>Checklist</source>
        <translation>检查单</translation>
    </message>
    <message>
        <source>Sign-off &amp; Report</source>
        <translation>签字确认与报告</translation>
    </message>
    <message>
        <source>Discovery</source>
        <translation>依赖发现</translation>
    </message>
    <message>
        <source>Rehearsal</source>
        <translation>演练</translation>
    </message>
    <message>
        <source>probing…</source>
        <translation>正在探测…</translation>
    </message>
    <message>
        <source>no run yet</source>
        <translation>尚未运行</translation>
    </message>
    <message>
        <source>{n} result</source>
        <translation>{n} 个结果</translation>
    </message>
    <message>
        <source>{n} results</source>
        <translation>{n} 个结果</translation>
    </message>
    <message>
        <source>, {n} fail</source>
        <translation>，{n} 个失败</translation>
    </message>
    <message>
        <source>{summary}, incomplete</source>
        <translation>{summary}，未完成</translation>
    </message>
    <message>
        <source>{n} problem</source>
        <translation>{n} 个问题</translation>
    </message>
    <message>
        <source>{n} problems</source>
        <translation>{n} 个问题</translation>
    </message>
    <message>
        <source>{services} svc, {deps} deps</source>
        <translation>{services} 个服务，{deps} 个依赖</translation>
    </message>
    <message>
        <source>{blockers} blocker, {high} high</source>
        <translation>{blockers} 个阻断，{high} 个高</translation>
    </message>
    <message>
        <source>{n} flags</source>
        <translation>{n} 个风险标记</translation>
    </message>
    <message>
        <source>no regression</source>
        <translation>无退化</translation>
    </message>
    <message>
        <source>{n} regression</source>
        <translation>{n} 处退化</translation>
    </message>
    <message>
        <source>{n} regressions</source>
        <translation>{n} 处退化</translation>
    </message>
    <message>
        <source>{failed} failed, {pending} pending</source>
        <translation>{failed} 项失败，{pending} 项待定</translation>
    </message>
    <message>
        <source>, </source>
        <translation>，</translation>
    </message>
    <message>
        <source>{n} pending</source>
        <translation>{n} 项待定</translation>
    </message>
    <message>
        <source>{n} waived</source>
        <translation>{n} 项已豁免</translation>
    </message>
    <message>
        <source>{n} blockers pass</source>
        <translation>{n} 个阻断项通过</translation>
    </message>
    <message>
        <source>{verdict}, awaiting {n} role</source>
        <translation>{verdict}，等待 {n} 个角色</translation>
    </message>
    <message>
        <source>{verdict}, awaiting {n} roles</source>
        <translation>{verdict}，等待 {n} 个角色</translation>
    </message>
    <message>
        <source>{verdict}, every role signed</source>
        <translation>{verdict}，所有角色已签字确认</translation>
    </message>
    <message>
        <source>tool · not run</source>
        <translation>工具 · 未运行</translation>
    </message>
    <message>
        <source>{n} undocumented</source>
        <translation>{n} 个未登记</translation>
    </message>
    <message>
        <source>{n} inbound</source>
        <translation>{n} 个入向</translation>
    </message>
    <message>
        <source>{n} findings</source>
        <translation>{n} 项发现</translation>
    </message>
    <message>
        <source>tool · {hint}</source>
        <translation>工具 · {hint}</translation>
    </message>
    <message>
        <source>tool · nothing to rehearse</source>
        <translation>工具 · 无可演练项</translation>
    </message>
    <message>
        <source>{n} service hangs</source>
        <translation>{n} 个服务挂起</translation>
    </message>
    <message>
        <source>{n} services hang</source>
        <translation>{n} 个服务挂起</translation>
    </message>
    <message>
        <source>{proven} of {total} fail fast</source>
        <translation>{proven}/{total} 快速失败</translation>
    </message>
</context>
<context>
    <name>style</name>
    <message>
        <source>fixed</source>
        <translation>已修复</translation>
    </message>
    <message>
        <source>regression</source>
        <translation>退化</translation>
    </message>
    <message>
        <source>inconclusive</source>
        <translation>无法判定</translation>
    </message>
    <message>
        <source>missing</source>
        <translation>缺失</translation>
    </message>
    <message>
        <source>unchanged</source>
        <translation>未变化</translation>
    </message>
    <message>
        <source>new</source>
        <translation>新增</translation>
    </message>
    <message>
        <source>done</source>
        <translation>完成</translation>
    </message>
    <message>
        <source>blocked</source>
        <translation>受阻</translation>
    </message>
    <message>
        <source>attention</source>
        <translation>需关注</translation>
    </message>
    <message>
        <source>todo</source>
        <translation>待办</translation>
    </message>
    <message>
        <source>running</source>
        <translation>运行中</translation>
    </message>
    <message>
        <source>staging host itself</source>
        <translation>预发主机本身</translation>
    </message>
</context>
</TS>
