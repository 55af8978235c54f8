#pragma once

#include "models/report/reportoptions.h"

#include <QDateTime>
#include <QString>

#include <memory>

class QIODevice;

namespace Berth {

struct ReportRow;
struct TagExtras;

//! What a report says about itself, written before the first row.
struct ReportHeader
{
    QString repository; //!< display name
    QDateTime generated;
    bool hasExtras = false; //!< the backend has Harbor's extras
    bool perPlatform = false;
    QString filter;
    ReportSort sort = ReportSort::Tag;
    Qt::SortOrder order = Qt::AscendingOrder;
    //! The columns to write, in order (never empty: ReportJob fills in the default).
    QList<ReportColumn> columns = allReportColumns(false);
};

//! Writes one report format to a device as rows come: begin(), writeRow() per row, finish().
//! A writer keeps no rows; what it needs at the end (the HTML summary) is aggregated as it goes.
//! Every call returns false once the device fails (errorString() says why).
class ReportWriter
{
public:
    explicit ReportWriter(QIODevice *device);
    virtual ~ReportWriter();
    Q_DISABLE_COPY_MOVE(ReportWriter)

    static std::unique_ptr<ReportWriter> create(ReportFormat format, QIODevice *device);

    virtual bool begin(const ReportHeader &header) = 0;
    virtual bool writeRow(const ReportRow &row) = 0;
    virtual bool finish() = 0;

    QString errorString() const { return m_error; }

    //! The CSV header of every column (and the plain column names of every format).
    static QStringList columns(bool hasExtras);
    static QStringList columnNames(const QList<ReportColumn> &columns);
    //! A cell as CSV and Markdown write it: times ISO-8601 UTC, sizes in bytes, lists joined
    //! by ';', empty when unknown.
    static QString plainValue(const ReportRow &row, ReportColumn column);
    //! "Critical=1;High=2" (severities in alphabetical order), "none" for a clean scan, empty
    //! when not scanned.
    static QString vulnerabilitiesText(const TagExtras &extras);

protected:
    bool write(const QByteArray &bytes);
    //! A human size for the Markdown and HTML tables ("12.3 MB"); the byte count stays beside it.
    static QString humanSize(qint64 bytes);

private:
    QIODevice *m_device;
    QString m_error;
};

} // namespace Berth
