#pragma once

#include <QDateTime>
#include <QList>
#include <QMap>
#include <QSet>
#include <QString>

namespace Berth {

struct ReportRow;

//! The figures a report's summary and charts need, gathered row by row in bounded memory:
//! 8 bytes per distinct image (a digest fingerprint), one counter per month, and at most
//! MaxChartPoints chart points (a uniform reservoir sample when there are more images).
class ReportSummary
{
public:
    //! An SVG scatter with more dots than this is unreadable and makes the page slow to open.
    static constexpr int MaxChartPoints = 2000;

    struct Point
    {
        qint64 createdMs = 0;
        qint64 size = 0;
    };

    void add(const ReportRow &row);

    qint64 tags() const { return m_tags; }
    qint64 rows() const { return m_rows; }
    qint64 distinctImages() const { return m_seen.size(); }
    qint64 totalSize() const { return m_totalSize; } //!< sum over rows (shared images count again)
    qint64 uniqueSize() const { return m_uniqueSize; } //!< sum over distinct images
    qint64 failed() const { return m_failed; }
    QDateTime oldest() const { return m_oldest; }
    QDateTime newest() const { return m_newest; }
    QString oldestTag() const { return m_oldestTag; }
    QString newestTag() const { return m_newestTag; }
    //! "2024-03" -> tags created that month (by the tag's image creation time).
    const QMap<QString, qint64> &tagsPerMonth() const { return m_perMonth; }
    //! (created, size) of distinct images with both known; a uniform sample when many.
    const QList<Point> &chartPoints() const { return m_points; }
    qint64 chartCandidates() const { return m_candidates; }

private:
    qint64 m_tags = 0;
    qint64 m_rows = 0;
    qint64 m_failed = 0;
    qint64 m_totalSize = 0;
    qint64 m_uniqueSize = 0;
    QSet<quint64> m_seen;
    QDateTime m_oldest;
    QDateTime m_newest;
    QString m_oldestTag;
    QString m_newestTag;
    QMap<QString, qint64> m_perMonth;
    QList<Point> m_points;
    qint64 m_candidates = 0;
    quint64 m_random = 0x9e3779b97f4a7c15ull; //!< fixed seed: the same report, the same chart
};

} // namespace Berth
