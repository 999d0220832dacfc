<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>ReportPreview</name>
    <message>
        <source>&lt;b&gt;The preview stops here, after {percent}% of the report.&lt;/b&gt; Export it (HTML or PDF) to read all of it.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
</TS>
