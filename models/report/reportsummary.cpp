#include "models/report/reportsummary.h"

#include "models/report/reportrow.h"

namespace Berth {

// A digest's first 64 bits identify it among a repository's images (a collision needs ~2^32
// images); 8 bytes per image instead of a 71-character string.
static quint64 fingerprint(const QString &digest)
{
    const qsizetype colon = digest.indexOf(u':');
    bool ok = false;
    const quint64 value = digest.mid(colon + 1, 16).toULongLong(&ok, 16);
    return ok ? value : quint64(qHash(digest, 0));
}

void ReportSummary::add(const ReportRow &row)
{
    ++m_rows;
    if (row.firstOfTag)
        ++m_tags;
    if (!row.image) {
        ++m_failed;
        return;
    }
    const qint64 size = row.size();
    const QDateTime created = row.created();
    if (size > 0)
        m_totalSize += size;
    if (row.firstOfTag && created.isValid()) {
        if (!m_oldest.isValid() || created < m_oldest) {
            m_oldest = created;
            m_oldestTag = row.tag;
        }
        if (!m_newest.isValid() || created > m_newest) {
            m_newest = created;
            m_newestTag = row.tag;
        }
        ++m_perMonth[created.toUTC().toString(u"yyyy-MM")];
    }
    bool inserted = false;
    const quint64 key = fingerprint(row.digest());
    if (!m_seen.contains(key)) {
        m_seen.insert(key);
        inserted = true;
    }
    if (!inserted)
        return;
    if (size > 0)
        m_uniqueSize += size;
    if (!created.isValid() || size < 0)
        return;
    // Reservoir sampling (Algorithm R): every image has the same chance to be drawn, whatever
    // the order rows arrive in, with MaxChartPoints points kept at most.
    const Point point{created.toMSecsSinceEpoch(), size};
    ++m_candidates;
    if (m_points.size() < MaxChartPoints) {
        m_points.append(point);
        return;
    }
    m_random ^= m_random << 13; // xorshift64: deterministic, no global state
    m_random ^= m_random >> 7;
    m_random ^= m_random << 17;
    const quint64 slot = m_random % quint64(m_candidates);
    if (slot < quint64(MaxChartPoints))
        m_points[qsizetype(slot)] = point;
}

} // namespace Berth
