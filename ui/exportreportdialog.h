#pragma once

#include "models/report/reportjob.h"
#include "models/report/reportoptions.h"
#include "models/tags/tagfilterproxymodel.h"
#include "net/core/error.h"

#include <QDate>
#include <QDialog>
#include <QPointer>
#include <QStringList>

class QButtonGroup;
class QCheckBox;
class QComboBox;
class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QRadioButton;

namespace Berth {

class MetadataService;

//! "Export report…": format, scope (whole repository or the selected tags), the table's filter
//! and sort (key and direction), the columns (Harbor's pushed, pulled, labels and
//! vulnerabilities too when the session's backend has them), per-platform rows and the
//! destination file. Runs a ReportJob on the session's
//! MetadataService (the table's cache serves it) in the background: non-modal, with progress
//! (done / total, rate, time left) and Cancel; success offers "Open folder", errors are shown
//! inline. Closing the dialog while a report runs cancels it (QSaveFile: no file is left).
class ExportReportDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ExportReportDialog)
public:
    //! repository as the backend knows it ("team/app"); displayName as the report names it
    //! ("127.0.0.1:5000/team/app").
    ExportReportDialog(MetadataService *service, const QString &repository,
                       const QString &displayName, QWidget *parent = nullptr);
    ~ExportReportDialog() override;

    //! The selected tags; non-empty enables (and chooses) the "selected tags" scope.
    void setSelection(const QStringList &tags);
    void setSelectionScope(bool selectionOnly);
    //! The table's filter; an empty text disables the "only matching tags" option.
    void setFilter(const QString &text, TagFilterProxyModel::FilterSyntax syntax);
    void setFormat(ReportFormat format);
    //! Also resets the direction to the key's default (defaultReportOrder()).
    void setSort(ReportSort sort);
    void setSortOrder(Qt::SortOrder order);
    //! Checks exactly these columns (Harbor ones are ignored without Harbor columns).
    void setColumns(const QList<ReportColumn> &columns);
    //! The checked columns in the documented order.
    QList<ReportColumn> columns() const;
    //! True when the backend has tag extras: the Harbor columns and "Pushed" sort are offered.
    bool hasHarborColumns() const;
    void setPerPlatform(bool on);
    //! The file to write, bypassing the file dialog (tests, or a remembered path).
    void setDestination(const QString &path);
    QString destination() const;

    //! What start() hands to the ReportJob.
    ReportOptions options() const;
    //! Starts the export (the Export button). No-op while one runs.
    void start();
    //! Cancels a running export (the Cancel button while running).
    void cancel();
    bool isRunning() const;
    ReportJob *job() const { return m_job; }

    QLabel *messageLabel() const { return m_message; }
    QProgressBar *progressBar() const { return m_progress; }
    QPushButton *exportButton() const { return m_export; }
    QPushButton *openFolderButton() const { return m_openFolder; }

    //! The proxy's filter text as a regular expression for ReportOptions::filter: substring and
    //! glob are escaped / converted and case-insensitive, as the table matches them.
    static QString filterToRegex(const QString &text, TagFilterProxyModel::FilterSyntax syntax);
    //! "<Documents>/team-app-20240301.csv".
    static QString defaultDestination(const QString &repository, ReportFormat format,
                                      const QDate &date);

Q_SIGNALS:
    //! Once per start(): error.code == None when the file is complete.
    void exportFinished(const Berth::Error &error);

protected:
    void reject() override;

private:
    // The constructor's parts, called once each in this order.
    void setUpFields();
    QWidget *createColumnBoxes();
    void layOutSettings(QWidget *columnsWidget);
    void setUpProgress();
    QDialogButtonBox *createButtons();
    void layOutDialog(QDialogButtonBox *buttons);
    void connectSignals();

    ReportFormat currentFormat() const;
    void onFormatChanged();
    void browse();
    void onProgress(const ReportProgress &progress);
    void onFinished(const Error &error);
    void setRunning(bool running);
    void showMessage(const QString &text, bool isError);
    void openFolder();

    QPointer<MetadataService> m_service;
    QString m_repository;
    QString m_displayName;
    QStringList m_selection;
    QString m_filterText;
    TagFilterProxyModel::FilterSyntax m_filterSyntax = TagFilterProxyModel::FilterSyntax::Substring;
    QPointer<ReportJob> m_job;
    QString m_finishedPath;

    QComboBox *m_format;
    QRadioButton *m_wholeRepository;
    QRadioButton *m_selected;
    QCheckBox *m_useFilter;
    QComboBox *m_sort;
    QComboBox *m_order;
    QList<std::pair<ReportColumn, QCheckBox *>> m_columnBoxes;
    QCheckBox *m_perPlatform;
    QLineEdit *m_destination;
    QPushButton *m_browse;
    QProgressBar *m_progress;
    QLabel *m_progressText;
    QLabel *m_message;
    QPushButton *m_export;
    QPushButton *m_cancel;
    QPushButton *m_openFolder;
    QPushButton *m_close;
    QWidget *m_settings;
};

} // namespace Berth
