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
    <name>MessageBar</name>
    <message>
        <source>Dismiss</source>
        <translation>关闭</translation>
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
        <source>fails fast</source>
        <translation>快速失败</translation>
    </message>
    <message>
        <source>unaffected</source>
        <translation>不受影响</translation>
    </message>
    <message>
        <source>hangs</source>
        <translation>挂起</translation>
    </message>
    <message>
        <source>inconclusive</source>
        <translation>无法判定</translation>
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
