#include "ui/exportreportdialog.h"

#include "models/metadata/metadataservice.h"
#include "models/report/htmlreportwriter.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDesktopServices>
#include <QDialogButtonBox>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QProgressBar>
#include <QPushButton>
#include <QRadioButton>
#include <QStandardPaths>
#include <QUrl>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace Berth {

void ExportReportDialog::setUpFields()
{
    m_format->setObjectName(u"formatBox"_s);
    m_format->addItem(tr("CSV (spreadsheets, scripts)"), int(ReportFormat::Csv));
    m_format->addItem(tr("JSON (other tools)"), int(ReportFormat::Json));
    m_format->addItem(tr("Markdown table"), int(ReportFormat::Markdown));
    m_format->addItem(tr("HTML page with charts"), int(ReportFormat::Html));
    m_wholeRepository->setObjectName(u"wholeRepositoryButton"_s);
    m_wholeRepository->setText(tr("&Whole repository"));
    m_wholeRepository->setChecked(true);
    m_selected->setObjectName(u"selectionButton"_s);
    m_selected->setText(tr("&Selected tags"));
    m_selected->setEnabled(false);
    m_useFilter->setObjectName(u"useFilterBox"_s);
    m_useFilter->setText(tr("Only tags matching the &filter"));
    m_useFilter->setEnabled(false);
    m_perPlatform->setObjectName(u"perPlatformBox"_s);
    m_destination->setObjectName(u"destinationEdit"_s);
    m_destination->setText(
            defaultDestination(m_repository, ReportFormat::Csv, QDate::currentDate()));
    m_destination->setClearButtonEnabled(true);
    m_browse->setObjectName(u"browseButton"_s);
    m_sort->setObjectName(u"sortBox"_s);
    m_sort->addItem(tr("Tag (natural order)"), int(ReportSort::Tag));
    m_sort->addItem(tr("Created"), int(ReportSort::Created));
    m_sort->addItem(tr("Size"), int(ReportSort::Size));
    if (hasHarborColumns())
        m_sort->addItem(tr("Pushed (Harbor)"), int(ReportSort::Pushed));
    m_order->setObjectName(u"orderBox"_s);
    m_order->addItem(tr("Ascending"), int(Qt::AscendingOrder));
    m_order->addItem(tr("Descending"), int(Qt::DescendingOrder));
}

ExportReportDialog::ExportReportDialog(MetadataService *service, const QString &repository,
                                       const QString &displayName, QWidget *parent)
    : QDialog(parent)
    , m_service(service)
    , m_repository(repository)
    , m_displayName(displayName)
    , m_format(new QComboBox(this))
    , m_wholeRepository(new QRadioButton(this))
    , m_selected(new QRadioButton(this))
    , m_useFilter(new QCheckBox(this))
    , m_sort(new QComboBox(this))
    , m_order(new QComboBox(this))
    , m_perPlatform(new QCheckBox(tr("One row per &platform of multi-arch images"), this))
    , m_destination(new QLineEdit(this))
    , m_browse(new QPushButton(tr("&Browse…"), this))
    , m_progress(new QProgressBar(this))
    , m_progressText(new QLabel(this))
    , m_message(new QLabel(this))
    , m_export(new QPushButton(tr("&Export"), this))
    , m_cancel(new QPushButton(tr("&Cancel"), this))
    , m_openFolder(new QPushButton(tr("&Open Folder"), this))
    , m_close(new QPushButton(tr("C&lose"), this))
    , m_settings(new QWidget(this))
{
    setObjectName(u"exportReportDialog"_s);
    setWindowTitle(tr("Export Report — %1").arg(displayName));
    // The window stays usable while a report runs.
    setModal(false);

    setUpFields();
    layOutSettings(createColumnBoxes());
    setUpProgress();
    layOutDialog(createButtons());
    connectSignals();

    // Wide enough for a Documents path and a repository-date file name without scrolling.
    resize(std::max(sizeHint().width(), 560), sizeHint().height());
}

QWidget *ExportReportDialog::createColumnBoxes()
{
    auto *columnsWidget = new QWidget(this);
    auto *columnsGrid = new QGridLayout(columnsWidget);
    columnsGrid->setContentsMargins(0, 0, 0, 0);
    columnsGrid->setHorizontalSpacing(12);
    columnsGrid->setVerticalSpacing(2);
    for (ReportColumn column : allReportColumns(hasHarborColumns())) {
        auto *box = new QCheckBox(HtmlReportWriter::columnTitle(column), columnsWidget);
        box->setObjectName(u"column_"_s + reportColumnName(column));
        box->setChecked(true);
        // Four to a row: twelve columns in three short rows.
        const int i = int(m_columnBoxes.size());
        columnsGrid->addWidget(box, i / 4, i % 4);
        m_columnBoxes.append({column, box});
    }
    return columnsWidget;
}

void ExportReportDialog::layOutSettings(QWidget *columnsWidget)
{
    auto *scope = new QVBoxLayout;
    scope->setSpacing(2);
    scope->addWidget(m_wholeRepository);
    scope->addWidget(m_selected);
    scope->addWidget(m_useFilter);
    auto *destination = new QHBoxLayout;
    destination->addWidget(m_destination, 1);
    destination->addWidget(m_browse);
    auto *form = new QFormLayout(m_settings);
    form->setContentsMargins(0, 0, 0, 0);
    form->addRow(tr("F&ormat:"), m_format);
    form->addRow(tr("Tags:"), scope);
    auto *sortRow = new QHBoxLayout;
    sortRow->addWidget(m_sort, 1);
    sortRow->addWidget(m_order);
    auto *sortLabel = new QLabel(tr("So&rt by:"), this);
    sortLabel->setBuddy(m_sort);
    form->addRow(sortLabel, sortRow);
    // The mnemonic goes to the first checkbox: the grid's container takes no focus.
    auto *columnsLabel = new QLabel(tr("Colu&mns:"), this);
    columnsLabel->setBuddy(m_columnBoxes.constFirst().second);
    form->addRow(columnsLabel, columnsWidget);
    form->addRow(QString(), m_perPlatform);
    // A label of its own: addRow(text, layout) gives it no buddy, so "&" would show literally.
    auto *destinationLabel = new QLabel(tr("&Save to:"), this);
    destinationLabel->setBuddy(m_destination);
    form->addRow(destinationLabel, destination);
}

void ExportReportDialog::setUpProgress()
{
    m_progress->setObjectName(u"exportProgress"_s);
    m_progress->setTextVisible(true);
    m_progress->hide();
    m_progressText->setObjectName(u"exportProgressText"_s);
    m_progressText->hide();
    m_message->setObjectName(u"exportMessage"_s);
    m_message->setWordWrap(true);
    m_message->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_message->hide();
}

QDialogButtonBox *ExportReportDialog::createButtons()
{
    m_export->setObjectName(u"exportButton"_s);
    m_export->setDefault(true);
    m_cancel->setObjectName(u"cancelExportButton"_s);
    m_openFolder->setObjectName(u"openFolderButton"_s);
    m_close->setObjectName(u"closeButton"_s);
    auto *buttons = new QDialogButtonBox(this);
    buttons->addButton(m_openFolder, QDialogButtonBox::ActionRole);
    buttons->addButton(m_export, QDialogButtonBox::AcceptRole);
    buttons->addButton(m_cancel, QDialogButtonBox::RejectRole);
    buttons->addButton(m_close, QDialogButtonBox::RejectRole);
    // After addButton(): reparenting undoes an earlier hide().
    m_cancel->hide();
    m_openFolder->hide();
    return buttons;
}

void ExportReportDialog::layOutDialog(QDialogButtonBox *buttons)
{
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_settings);
    layout->addSpacing(4);
    layout->addWidget(m_progress);
    layout->addWidget(m_progressText);
    layout->addWidget(m_message);
    layout->addStretch(1);
    layout->addWidget(buttons);
}

void ExportReportDialog::connectSignals()
{
    connect(m_format, &QComboBox::currentIndexChanged, this, &ExportReportDialog::onFormatChanged);
    // A new key starts in its natural direction (newest / largest first); the person may flip it.
    connect(m_sort, &QComboBox::currentIndexChanged, this, [this] {
        setSortOrder(defaultReportOrder(ReportSort(m_sort->currentData().toInt())));
    });
    connect(m_browse, &QPushButton::clicked, this, &ExportReportDialog::browse);
    connect(m_export, &QPushButton::clicked, this, &ExportReportDialog::start);
    connect(m_cancel, &QPushButton::clicked, this, &ExportReportDialog::cancel);
    connect(m_close, &QPushButton::clicked, this, &ExportReportDialog::reject);
    connect(m_openFolder, &QPushButton::clicked, this, &ExportReportDialog::openFolder);
    connect(m_destination, &QLineEdit::textChanged, this,
            [this](const QString &text) { m_export->setEnabled(!text.trimmed().isEmpty()); });
}

bool ExportReportDialog::hasHarborColumns() const
{
    return m_service && m_service->hasTagExtras();
}

ExportReportDialog::~ExportReportDialog()
{
    if (m_job)
        m_job->cancel();
}

QString ExportReportDialog::filterToRegex(const QString &text,
                                          TagFilterProxyModel::FilterSyntax syntax)
{
    if (text.isEmpty())
        return {};
    // (?i): the table matches substrings and globs case-insensitively, regexes as written.
    switch (syntax) {
    case TagFilterProxyModel::FilterSyntax::Substring:
        return u"(?i)"_s + QRegularExpression::escape(text);
    case TagFilterProxyModel::FilterSyntax::Glob:
        return u"(?i)"_s
               + QRegularExpression::wildcardToRegularExpression(
                       text, QRegularExpression::UnanchoredWildcardConversion);
    case TagFilterProxyModel::FilterSyntax::RegularExpression:
        break;
    }
    return text;
}

QString ExportReportDialog::defaultDestination(const QString &repository, ReportFormat format,
                                               const QDate &date)
{
    QString base = repository;
    base.replace(u'/', u'-');
    if (base.isEmpty())
        base = u"repository"_s;
    QString folder = QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation);
    if (folder.isEmpty())
        folder = QDir::homePath();
    return QDir(folder).filePath(base + u'-' + date.toString(u"yyyyMMdd"_s)
                                 + reportFormatSuffix(format));
}

void ExportReportDialog::setSelection(const QStringList &tags)
{
    m_selection = tags;
    m_selected->setEnabled(!tags.isEmpty());
    m_selected->setText(tags.size() == 1
                                ? tr("&Selected tag (%1)").arg(tags.first())
                                : tr("&Selected tags (%1)").arg(QLocale().toString(tags.size())));
    setSelectionScope(!tags.isEmpty());
}

void ExportReportDialog::setSelectionScope(bool selectionOnly)
{
    (selectionOnly && !m_selection.isEmpty() ? m_selected : m_wholeRepository)->setChecked(true);
}

void ExportReportDialog::setFilter(const QString &text, TagFilterProxyModel::FilterSyntax syntax)
{
    m_filterText = text;
    m_filterSyntax = syntax;
    const bool any = !text.isEmpty();
    m_useFilter->setEnabled(any);
    m_useFilter->setChecked(any);
    m_useFilter->setText(any ? tr("Only tags matching the &filter “%1”").arg(text)
                             : tr("Only tags matching the &filter"));
}

void ExportReportDialog::setFormat(ReportFormat format)
{
    m_format->setCurrentIndex(m_format->findData(int(format)));
}

void ExportReportDialog::setSort(ReportSort sort)
{
    const int index = m_sort->findData(int(sort));
    m_sort->setCurrentIndex(index >= 0 ? index : 0);
    setSortOrder(defaultReportOrder(ReportSort(m_sort->currentData().toInt())));
}

void ExportReportDialog::setSortOrder(Qt::SortOrder order)
{
    m_order->setCurrentIndex(m_order->findData(int(order)));
}

void ExportReportDialog::setColumns(const QList<ReportColumn> &columns)
{
    for (const auto &[column, box] : std::as_const(m_columnBoxes))
        box->setChecked(columns.contains(column));
}

QList<ReportColumn> ExportReportDialog::columns() const
{
    QList<ReportColumn> checked;
    for (const auto &[column, box] : m_columnBoxes) {
        if (box->isChecked())
            checked.append(column);
    }
    return checked;
}

void ExportReportDialog::setPerPlatform(bool on)
{
    m_perPlatform->setChecked(on);
}

void ExportReportDialog::setDestination(const QString &path)
{
    m_destination->setText(path);
}

QString ExportReportDialog::destination() const
{
    return m_destination->text().trimmed();
}

ReportFormat ExportReportDialog::currentFormat() const
{
    return ReportFormat(m_format->currentData().toInt());
}

ReportOptions ExportReportDialog::options() const
{
    ReportOptions options;
    options.format = currentFormat();
    options.repository = m_repository;
    options.repositoryDisplayName = m_displayName;
    if (m_selected->isChecked())
        options.tags = m_selection;
    // The selection comes from the filtered table already; the filter narrows the whole
    // repository only.
    else if (m_useFilter->isChecked())
        options.filter = filterToRegex(m_filterText, m_filterSyntax);
    options.sort = ReportSort(m_sort->currentData().toInt());
    options.order = Qt::SortOrder(m_order->currentData().toInt());
    options.columns = columns();
    options.perPlatform = m_perPlatform->isChecked();
    options.destination = destination();
    return options;
}

void ExportReportDialog::onFormatChanged()
{
    // Keep the file name's suffix in step with the format.
    const QString path = destination();
    if (path.isEmpty())
        return;
    const QFileInfo info(path);
    const QString suffix = reportFormatSuffix(currentFormat());
    QString base = info.fileName();
    for (ReportFormat format :
         {ReportFormat::Csv, ReportFormat::Json, ReportFormat::Markdown, ReportFormat::Html}) {
        if (base.endsWith(reportFormatSuffix(format), Qt::CaseInsensitive)) {
            base.chop(reportFormatSuffix(format).size());
            break;
        }
    }
    m_destination->setText(info.dir().filePath(base + suffix));
}

void ExportReportDialog::browse()
{
    const QString suffix = reportFormatSuffix(currentFormat());
    const QString filter = tr("%1 files (*%2)").arg(m_format->currentText(), suffix);
    QString path = QFileDialog::getSaveFileName(this, tr("Export Report To"), destination(),
                                                filter + u";;"_s + tr("All files (*)"));
    if (path.isEmpty())
        return;
    if (QFileInfo(path).suffix().isEmpty())
        path += suffix;
    m_destination->setText(path);
}

bool ExportReportDialog::isRunning() const
{
    return m_job && m_job->isRunning();
}

void ExportReportDialog::start()
{
    if (isRunning())
        return;
    m_openFolder->hide();
    m_message->hide();
    const ReportOptions options = this->options();
    if (options.destination.isEmpty()) {
        showMessage(tr("Choose a file to save the report to."), true);
        return;
    }
    if (options.columns.isEmpty()) {
        showMessage(tr("Choose at least one column."), true);
        return;
    }
    if (!m_service) {
        showMessage(tr("The connection to the registry is closed."), true);
        return;
    }
    if (m_job)
        m_job->deleteLater();
    m_job = new ReportJob(m_service, options, this);
    connect(m_job, &ReportJob::progressChanged, this, &ExportReportDialog::onProgress);
    connect(m_job, &ReportJob::finished, this, &ExportReportDialog::onFinished);
    m_finishedPath = options.destination;
    setRunning(true);
    m_progress->setRange(0, 0);
    m_progress->setFormat(QString());
    m_progressText->setText(tr("Listing tags …"));
    m_job->start();
}

void ExportReportDialog::cancel()
{
    if (m_job && m_job->isRunning())
        m_job->cancel();
}

void ExportReportDialog::reject()
{
    // Closing the dialog ends its report: nothing would show its outcome otherwise.
    cancel();
    QDialog::reject();
}

void ExportReportDialog::setRunning(bool running)
{
    m_settings->setEnabled(!running);
    m_export->setVisible(!running);
    m_cancel->setVisible(running);
    m_close->setVisible(!running);
    m_progress->setVisible(running);
    m_progressText->setVisible(running);
}

void ExportReportDialog::onProgress(const ReportProgress &progress)
{
    const QLocale locale;
    if (progress.listing || progress.total < 0) {
        m_progress->setRange(0, 0);
        m_progressText->setText(
                tr("Listing tags … %1 so far").arg(locale.toString(progress.listed)));
        return;
    }
    // QProgressBar takes int; a repository of more than 2^31 tags is not a concern.
    m_progress->setRange(0, int(std::max<qint64>(progress.total, 1)));
    m_progress->setValue(int(progress.done));
    m_progress->setFormat(
            tr("%1 / %2 tags")
                    .arg(locale.toString(progress.done), locale.toString(progress.total)));
    QStringList parts;
    if (progress.rate > 0)
        parts.append(tr("%1 tags/s").arg(locale.toString(progress.rate, 'f', 1)));
    if (progress.etaSeconds >= 0) {
        const qint64 s = progress.etaSeconds;
        parts.append(s < 60 ? tr("about %1 s left").arg(s)
                            : tr("about %1 min %2 s left").arg(s / 60).arg(s % 60));
    }
    m_progressText->setText(parts.isEmpty() ? tr("Reading tag metadata …") : parts.join(u" · "_s));
}

void ExportReportDialog::onFinished(const Error &error)
{
    setRunning(false);
    if (error.code == ErrorCode::None) {
        const qint64 failed = m_job ? m_job->failedTags() : 0;
        const qint64 rows = m_job ? m_job->rowsWritten() : 0;
        QString text
                = tr("Wrote %1 rows to %2.")
                          .arg(QLocale().toString(rows), QDir::toNativeSeparators(m_finishedPath));
        if (failed > 0)
            text += u' '
                    + tr("%1 tags could not be read; their rows say why.")
                              .arg(QLocale().toString(failed));
        showMessage(text, false);
        m_openFolder->show();
    } else if (error.code == ErrorCode::Cancelled) {
        showMessage(tr("Export cancelled. No file was written."), false);
    } else {
        showMessage(tr("Export failed: %1").arg(error.toString()), true);
    }
    Q_EMIT exportFinished(error);
}

void ExportReportDialog::showMessage(const QString &text, bool isError)
{
    QPalette p = palette();
    if (isError) {
        // Reads on light and dark backgrounds alike (the table's error red).
        p.setColor(QPalette::WindowText, QColor(0xd0, 0x46, 0x3b));
    }
    m_message->setPalette(p);
    m_message->setText(text);
    m_message->show();
}

void ExportReportDialog::openFolder()
{
    QDesktopServices::openUrl(QUrl::fromLocalFile(QFileInfo(m_finishedPath).absolutePath()));
}

} // namespace Berth
