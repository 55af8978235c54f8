#include "models/report/htmlreportwriter.h"

#include "models/report/reportrow.h"

#include <QLocale>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace Berth {

namespace {

QString esc(const QString &text)
{
    return text.toHtmlEscaped();
}

QString cell(const QString &text, const QString &sortValue = QString(),
             const QString &cssClass = QString())
{
    QString html = u"<td"_s;
    if (!cssClass.isEmpty())
        html += u" class=\""_s + cssClass + u'"';
    if (!sortValue.isNull())
        html += u" data-v=\""_s + esc(sortValue) + u'"';
    return html + u'>' + esc(text) + u"</td>"_s;
}

QString timeCell(const QDateTime &time)
{
    return cell(reportTime(time),
                time.isValid() ? QString::number(time.toMSecsSinceEpoch()) : u""_s);
}

constexpr auto Style = R"(
body{font:14px/1.4 system-ui,sans-serif;margin:0;color:#1d2733;background:#fff}
main{display:flex;flex-direction:column;padding:1em 2em}
h1{order:-3;font-size:1.4em;margin:.2em 0}
.meta{order:-2;color:#5a6775;margin:0 0 1em}
#summary{order:-1;display:flex;flex-wrap:wrap;gap:1.5em;align-items:flex-start;margin-bottom:1em}
#summary dl{display:grid;grid-template-columns:auto auto;gap:.2em 1em;margin:0}
#summary dt{color:#5a6775}#summary dd{margin:0;font-weight:600}
figure{margin:0}figcaption{color:#5a6775;font-size:.9em}
svg{background:#f6f8fa;border:1px solid #d8dee4}
table{border-collapse:collapse;width:100%}
th,td{padding:.25em .6em;border-bottom:1px solid #e3e8ee;text-align:left;vertical-align:top}
th{position:sticky;top:0;background:#eef2f6;cursor:pointer;user-select:none;white-space:nowrap}
th[data-dir=asc]::after{content:" \25B2"}th[data-dir=desc]::after{content:" \25BC"}
td.num{text-align:right;white-space:nowrap}td.mono{font-family:ui-monospace,monospace;font-size:.9em}
tr.error td{color:#b3261e}
)";

// Sorts by the data-v attribute when a cell has one (numbers: sizes, times), else by the text
// in natural order; unknown values sort last both ways. Rows move through a fragment so that
// 100,000 rows sort without one huge argument list.
constexpr auto Script = R"(
(function(){
  var table=document.getElementById('tags');
  var collator=new Intl.Collator(undefined,{numeric:true,sensitivity:'base'});
  table.querySelectorAll('th').forEach(function(th,col){
    th.addEventListener('click',function(){
      var dir=th.dataset.dir==='asc'?-1:1;
      table.querySelectorAll('th').forEach(function(h){delete h.dataset.dir;});
      th.dataset.dir=dir===1?'asc':'desc';
      var numeric=th.dataset.type==='num';
      var body=table.tBodies[0];
      var rows=Array.prototype.slice.call(body.rows);
      var key=function(row){var c=row.cells[col];if(!c)return null;
        var v=c.hasAttribute('data-v')?c.getAttribute('data-v'):c.textContent;
        if(v==='')return null;return numeric?Number(v):v;};
      rows.sort(function(a,b){var x=key(a),y=key(b);
        if(x===null||y===null)return x===y?0:(x===null?1:-1);
        return dir*(numeric?x-y:collator.compare(x,y));});
      var fragment=document.createDocumentFragment();
      rows.forEach(function(r){fragment.appendChild(r);});
      body.appendChild(fragment);
    });
  });
})();
)";

} // namespace

bool HtmlReportWriter::begin(const ReportHeader &header)
{
    m_summary = ReportSummary();
    // The page's title names the repository: no column repeats it on every row.
    m_columns = header.columns;
    m_columns.removeAll(ReportColumn::Repository);
    const QString title = u"Tags of "_s + header.repository;
    QString html = u"<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                   // No fetch of any kind: the page works offline and leaks nothing when opened.
                   "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
                   "style-src 'unsafe-inline'; script-src 'unsafe-inline'\">\n"
                   "<meta name=\"generator\" content=\"Berth\">\n<title>"_s
                   + esc(title) + u"</title>\n<style>"_s + QString::fromLatin1(Style)
                   + u"</style>\n</head>\n<body>\n<main>\n<h1>"_s + esc(title) + u"</h1>\n"_s;
    QString meta = u"Generated "_s + reportTime(header.generated) + u", sorted by "_s
                   + reportSortName(header.sort)
                   + (header.order == Qt::AscendingOrder ? u" (ascending)"_s : u" (descending)"_s);
    if (!header.filter.isEmpty())
        meta += u", filter "_s + header.filter;
    if (header.perPlatform)
        meta += u", one row per platform"_s;
    html += u"<p class=\"meta\">"_s + esc(meta) + u"</p>\n"_s;
    html += u"<table id=\"tags\">\n<thead><tr>"_s;
    for (ReportColumn column : std::as_const(m_columns)) {
        const bool numeric = column == ReportColumn::Size || column == ReportColumn::Created
                             || column == ReportColumn::Pushed || column == ReportColumn::Pulled;
        html += numeric ? u"<th data-type=\"num\">"_s : u"<th>"_s;
        html += esc(columnTitle(column)) + u"</th>"_s;
    }
    html += u"</tr></thead>\n<tbody>\n"_s;
    return write(html.toUtf8());
}

QString HtmlReportWriter::columnTitle(ReportColumn column)
{
    switch (column) {
    case ReportColumn::Repository:
        return u"Repository"_s;
    case ReportColumn::Tag:
        return u"Tag"_s;
    case ReportColumn::Digest:
        return u"Digest"_s;
    case ReportColumn::Kind:
        return u"Kind"_s;
    case ReportColumn::MediaType:
        return u"Media type"_s;
    case ReportColumn::Platforms:
        return u"Platforms"_s;
    case ReportColumn::Size:
        return u"Size"_s;
    case ReportColumn::Created:
        return u"Created"_s;
    case ReportColumn::Pushed:
        return u"Pushed"_s;
    case ReportColumn::Pulled:
        return u"Pulled"_s;
    case ReportColumn::Labels:
        return u"Labels"_s;
    case ReportColumn::Vulnerabilities:
        return u"Vulnerabilities"_s;
    }
    return {};
}

bool HtmlReportWriter::writeRow(const ReportRow &row)
{
    m_summary.add(row);
    QString html = row.image ? u"<tr>"_s : u"<tr class=\"error\">"_s;
    const TagExtras extras = row.extras.value_or(TagExtras{});
    for (ReportColumn column : std::as_const(m_columns)) {
        switch (column) {
        case ReportColumn::Repository:
            html += cell(row.repository);
            break;
        case ReportColumn::Tag:
            html += cell(row.tag);
            break;
        case ReportColumn::Digest:
            html += cell(row.image ? row.digest() : u"error: "_s + row.error, QString(), u"mono"_s);
            break;
        case ReportColumn::Kind:
            html += cell(row.kind());
            break;
        case ReportColumn::MediaType:
            html += cell(row.mediaType());
            break;
        case ReportColumn::Platforms:
            html += cell(row.platforms().join(u", "_s));
            break;
        case ReportColumn::Size: {
            const qint64 size = row.size();
            html += cell(humanSize(size), size < 0 ? u""_s : QString::number(size), u"num"_s);
            break;
        }
        case ReportColumn::Created:
            html += timeCell(row.created());
            break;
        case ReportColumn::Pushed:
            html += timeCell(extras.pushed);
            break;
        case ReportColumn::Pulled:
            html += timeCell(extras.pulled);
            break;
        case ReportColumn::Labels:
            html += cell(extras.labelNames().join(u", "_s));
            break;
        case ReportColumn::Vulnerabilities:
            html += cell(vulnerabilitiesText(extras));
            break;
        }
    }
    html += u"</tr>\n"_s;
    return write(html.toUtf8());
}

QString HtmlReportWriter::sizeChart() const
{
    const auto &points = m_summary.chartPoints();
    // Small enough to sit beside the figures; large enough to tell a trend.
    constexpr int W = 480, H = 200, Left = 60, Bottom = 24, Top = 10, Right = 10;
    QString svg = u"<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"size-chart\" width=\"%1\" "
                  "height=\"%2\" viewBox=\"0 0 %1 %2\" role=\"img\" aria-label=\"Image size over "
                  "creation time\">"_s.arg(W)
                          .arg(H);
    if (points.isEmpty())
        return svg + u"<text x=\"10\" y=\"20\">no images with a creation time</text></svg>"_s;
    qint64 minT = points.constFirst().createdMs, maxT = minT, maxSize = 0;
    for (const auto &p : points) {
        minT = std::min(minT, p.createdMs);
        maxT = std::max(maxT, p.createdMs);
        maxSize = std::max(maxSize, p.size);
    }
    const double spanT = double(std::max<qint64>(1, maxT - minT));
    const double spanS = double(std::max<qint64>(1, maxSize));
    const double plotW = W - Left - Right, plotH = H - Top - Bottom;
    svg += u"<line x1=\"%1\" y1=\"%2\" x2=\"%3\" y2=\"%2\" stroke=\"#8a96a3\"/>"_s.arg(Left)
                   .arg(H - Bottom)
                   .arg(W - Right);
    svg += u"<line x1=\"%1\" y1=\"%2\" x2=\"%1\" y2=\"%3\" stroke=\"#8a96a3\"/>"_s.arg(Left)
                   .arg(Top)
                   .arg(H - Bottom);
    svg += u"<g fill=\"#2f6fb3\" fill-opacity=\"0.6\">"_s;
    for (const auto &p : points) {
        const double x = Left + (double(p.createdMs - minT) / spanT) * plotW;
        const double y = Top + plotH - (double(p.size) / spanS) * plotH;
        svg += u"<circle cx=\"%1\" cy=\"%2\" r=\"2.5\"/>"_s.arg(x, 0, 'f', 1).arg(y, 0, 'f', 1);
    }
    svg += u"</g>"_s;
    const auto date = [](qint64 ms) -> QString {
        return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(u"yyyy-MM-dd");
    };
    svg += u"<text x=\"%1\" y=\"%2\" font-size=\"11\">%3</text>"_s.arg(Left).arg(H - 6).arg(
            date(minT));
    svg += u"<text x=\"%1\" y=\"%2\" font-size=\"11\" text-anchor=\"end\">%3</text>"_s
                   .arg(W - Right)
                   .arg(H - 6)
                   .arg(date(maxT));
    svg += u"<text x=\"%1\" y=\"%2\" font-size=\"11\" text-anchor=\"end\">%3</text>"_s.arg(Left - 4)
                   .arg(Top + 10)
                   .arg(esc(humanSize(maxSize)));
    svg += u"<text x=\"%1\" y=\"%2\" font-size=\"11\" text-anchor=\"end\">0</text>"_s.arg(Left - 4)
                   .arg(H - Bottom);
    return svg + u"</svg>"_s;
}

QString HtmlReportWriter::monthChart() const
{
    const auto &months = m_summary.tagsPerMonth();
    constexpr int W = 480, H = 200, Bottom = 24, Top = 10, Left = 40, Right = 10;
    QString svg = u"<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"month-chart\" width=\"%1\" "
                  "height=\"%2\" viewBox=\"0 0 %1 %2\" role=\"img\" aria-label=\"Tags per "
                  "month\">"_s.arg(W)
                          .arg(H);
    if (months.isEmpty())
        return svg + u"<text x=\"10\" y=\"20\">no tags with a creation time</text></svg>"_s;
    qint64 maxCount = 0;
    for (qint64 count : months)
        maxCount = std::max(maxCount, count);
    const double plotW = W - Left - Right, plotH = H - Top - Bottom;
    const double slot = plotW / double(months.size());
    int i = 0;
    svg += u"<g fill=\"#3c8d5a\">"_s;
    for (auto it = months.cbegin(); it != months.cend(); ++it, ++i) {
        const double h = double(it.value()) / double(maxCount) * plotH;
        svg += u"<rect class=\"month\" data-month=\"%1\" data-count=\"%2\" x=\"%3\" y=\"%4\" "
               "width=\"%5\" height=\"%6\"><title>%1: %2 tags</title></rect>"_s.arg(it.key())
                       .arg(it.value())
                       .arg(Left + i * slot, 0, 'f', 1)
                       .arg(Top + plotH - h, 0, 'f', 1)
                       .arg(std::max(1.0, slot - 1), 0, 'f', 1)
                       .arg(h, 0, 'f', 1);
    }
    svg += u"</g>"_s;
    svg += u"<text x=\"%1\" y=\"%2\" font-size=\"11\">%3</text>"_s.arg(Left).arg(H - 6).arg(
            months.firstKey());
    svg += u"<text x=\"%1\" y=\"%2\" font-size=\"11\" text-anchor=\"end\">%3</text>"_s
                   .arg(W - Right)
                   .arg(H - 6)
                   .arg(months.lastKey());
    svg += u"<text x=\"%1\" y=\"%2\" font-size=\"11\" text-anchor=\"end\">%3</text>"_s.arg(Left - 4)
                   .arg(Top + 10)
                   .arg(maxCount);
    return svg + u"</svg>"_s;
}

bool HtmlReportWriter::finish()
{
    const ReportSummary &s = m_summary;
    const auto figure
            = [](const QString &id, const QString &label, const QString &value) -> QString {
        return u"<dt>"_s + esc(label) + u"</dt><dd id=\""_s + id + u"\">"_s + esc(value)
               + u"</dd>"_s;
    };
    const auto sizeText = [](qint64 bytes) -> QString {
        return humanSize(bytes) + u" ("_s + QString::number(bytes) + u" bytes)"_s;
    };
    const auto when = [](const QDateTime &time, const QString &tag) -> QString {
        return time.isValid() ? reportTime(time) + u" ("_s + tag + u')' : u"unknown"_s;
    };
    QString html = u"</tbody>\n</table>\n<section id=\"summary\">\n<dl>"_s;
    html += figure(u"sum-tags"_s, u"Tags"_s, QString::number(s.tags()));
    html += figure(u"sum-images"_s, u"Distinct images"_s, QString::number(s.distinctImages()));
    html += figure(u"sum-total"_s, u"Total size"_s, sizeText(s.totalSize()));
    html += figure(u"sum-unique"_s, u"Unique size"_s, sizeText(s.uniqueSize()));
    html += figure(u"sum-oldest"_s, u"Oldest"_s, when(s.oldest(), s.oldestTag()));
    html += figure(u"sum-newest"_s, u"Newest"_s, when(s.newest(), s.newestTag()));
    if (s.failed())
        html += figure(u"sum-failed"_s, u"Could not be read"_s, QString::number(s.failed()));
    html += u"</dl>\n<figure>"_s + sizeChart() + u"<figcaption>Image size over creation time"_s;
    if (s.chartCandidates() > s.chartPoints().size()) {
        html += u" (a sample of %1 of %2 images)"_s.arg(s.chartPoints().size())
                        .arg(s.chartCandidates());
    }
    html += u"</figcaption></figure>\n<figure>"_s + monthChart()
            + u"<figcaption>Tags per month of creation</figcaption></figure>\n</section>\n"
              "</main>\n<script>"_s
            + QString::fromLatin1(Script) + u"</script>\n</body>\n</html>\n"_s;
    return write(html.toUtf8());
}

} // namespace Berth
