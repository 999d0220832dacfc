<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>ReportPreview</name>
    <message>
        <source>&lt;b&gt;The preview stops here, after {percent}% of the report.&lt;/b&gt; Export it (HTML or PDF) to read all of it.</source>
        <translation>&lt;b&gt;预览到此为止，已显示报告的 {percent}%。&lt;/b&gt;导出（HTML 或 PDF）即可阅读全文。</translation>
    </message>
</context>
</TS>
