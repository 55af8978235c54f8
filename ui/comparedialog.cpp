#include "ui/comparedialog.h"

#include "models/session/registrysession.h"
#include "net/core/imagereference.h"
#include "ui/errorbanner.h"
#include "ui/icons.h"
#include "ui/platformbox.h"

#include <QAbstractTableModel>
#include <QCheckBox>
#include <QComboBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QProgressBar>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QTabWidget>
#include <QTableView>
#include <QTableWidget>
#include <QToolButton>
#include <QVBoxLayout>

#include <algorithm>
#include <tuple>

using namespace Qt::StringLiterals;

namespace Berth {

namespace {

// Bytes read show a few times a second: live enough, and costs nothing.
constexpr int ProgressIntervalMs = 200;

QString sizeText(qint64 bytes)
{
    return QLocale().formattedDataSize(bytes);
}

//! Colours that read on light and dark backgrounds alike.
QColor addedColour()
{
    return QColor(0x3c, 0x9a, 0x48);
}
QColor removedColour()
{
    return QColor(0xd0, 0x46, 0x3b);
}
QColor changedColour()
{
    return QColor(0xc9, 0x8a, 0x1b);
}

QTableWidgetItem *readOnlyItem(const QString &text)
{
    auto *item = new QTableWidgetItem(text);
    item->setFlags(Qt::ItemIsSelectable | Qt::ItemIsEnabled);
    return item;
}

} // namespace

//! The paths that differ between two images' files, one row each: Path | Change.
class FileChangesModel final : public QAbstractTableModel
{
public:
    enum Column { PathColumn, ChangeColumn, ColumnCount };
    enum Kind { Added, Removed, Changed };
    static constexpr int KindRole = Qt::UserRole + 1;

    using QAbstractTableModel::QAbstractTableModel;

    void setChanges(const ImageComparison &comparison)
    {
        beginResetModel();
        m_rows.clear();
        m_rows.reserve(comparison.added.size() + comparison.removed.size()
                       + comparison.changed.size());
        for (const QString &path : comparison.added)
            m_rows.append({path, Added});
        for (const QString &path : comparison.removed)
            m_rows.append({path, Removed});
        for (const QString &path : comparison.changed)
            m_rows.append({path, Changed});
        std::sort(m_rows.begin(), m_rows.end(),
                  [](const Row &a, const Row &b) { return a.path < b.path; });
        endResetModel();
    }
    void clear()
    {
        beginResetModel();
        m_rows.clear();
        endResetModel();
    }

    int rowCount(const QModelIndex &parent = {}) const override
    {
        return parent.isValid() ? 0 : int(m_rows.size());
    }
    int columnCount(const QModelIndex &parent = {}) const override
    {
        return parent.isValid() ? 0 : ColumnCount;
    }
    QVariant data(const QModelIndex &index, int role) const override
    {
        if (!index.isValid() || index.row() >= m_rows.size())
            return {};
        const Row &row = m_rows.at(index.row());
        switch (role) {
        case Qt::DisplayRole:
            return index.column() == PathColumn ? row.path : kindText(row.kind);
        case Qt::ForegroundRole:
            if (index.column() != ChangeColumn)
                return {};
            return row.kind == Added     ? addedColour()
                   : row.kind == Removed ? removedColour()
                                         : changedColour();
        case KindRole:
            return int(row.kind);
        default:
            return {};
        }
    }
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override
    {
        if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
            return QAbstractTableModel::headerData(section, orientation, role);
        return section == PathColumn ? CompareDialog::tr("Path") : CompareDialog::tr("Change");
    }

    static QString kindText(Kind kind)
    {
        switch (kind) {
        case Added:
            return CompareDialog::tr("added in B");
        case Removed:
            return CompareDialog::tr("removed in B");
        case Changed:
            break;
        }
        return CompareDialog::tr("changed");
    }

private:
    struct Row
    {
        QString path;
        Kind kind = Changed;
    };
    QList<Row> m_rows;
};

CompareDialog::CompareDialog(RegistrySession *session, LayerListingCache *cache,
                             SessionLookup sessions, const QString &repository,
                             const QStringList &tags, QWidget *parent)
    : QDialog(parent)
    , m_session(session)
    , m_cache(cache)
    , m_lookup(std::move(sessions))
    , m_repository(repository)
    , m_labelA(new QLabel(this))
    , m_referenceB(new QLineEdit(this))
    , m_compare(new QPushButton(tr("&Compare"), this))
    , m_banner(new ErrorBanner(this))
    , m_summary(new QLabel(this))
    , m_tabs(new QTabWidget(this))
    , m_onlyDifferences(new QCheckBox(tr("&Only fields that differ"), this))
    , m_config(new QTableWidget(this))
    , m_layers(new QTableWidget(this))
    , m_compareFiles(new QPushButton(tr("Compare &Files"), this))
    , m_progress(new QProgressBar(this))
    , m_cancel(new QToolButton(this))
    , m_filesSummary(new QLabel(this))
    , m_filesFilter(new QLineEdit(this))
    , m_files(new QTableView(this))
    , m_changes(new FileChangesModel(this))
    , m_changesProxy(new QSortFilterProxyModel(this))
{
    setObjectName(u"compareDialog"_s);
    setSizeGripEnabled(true);
    resize(1100, 720);
    const QString host = session ? session->registryName() : QString();
    const QString prefix = host.isEmpty() ? QString() : host + u'/';
    const QString tagA = tags.value(0);
    m_referenceA = prefix + repository + u':' + tagA;
    SideState &a = m_sides[A];
    a.session = session;
    a.repository = repository;
    a.reference = tagA;
    a.label = m_referenceA;
    setWindowTitle(tr("Compare — %1").arg(m_referenceA));
    createWidgets();
    m_labelA->setText(m_referenceA);
    if (tags.size() > 1) {
        m_referenceB->setText(prefix + repository + u':' + tags.at(1));
        compare();
    }
    m_progressTimer.setInterval(ProgressIntervalMs);
    connect(&m_progressTimer, &QTimer::timeout, this, &CompareDialog::updateProgress);
}

CompareDialog::~CompareDialog()
{
    for (SideState &side : m_sides) {
        if (side.job)
            side.job->cancel();
    }
}

void CompareDialog::createWidgets()
{
    m_labelA->setObjectName(u"referenceA"_s);
    m_labelA->setTextInteractionFlags(Qt::TextSelectableByMouse);
    QFont bold = m_labelA->font();
    bold.setBold(true);
    m_labelA->setFont(bold);
    m_referenceB->setObjectName(u"referenceBEdit"_s);
    m_referenceB->setPlaceholderText(tr("a tag of this repository, repo:tag, or host/repo:tag"));
    m_referenceB->setClearButtonEnabled(true);
    m_compare->setObjectName(u"compareButton"_s);
    m_compare->setDefault(true);
    connect(m_compare, &QPushButton::clicked, this, &CompareDialog::compare);

    const auto platformRow = [this](Side side, QWidget *reference, QPushButton *button) {
        auto *row = new QHBoxLayout;
        SideState &state = m_sides[side];
        state.platform = new QComboBox(this);
        state.platform->setObjectName(side == A ? u"platformBoxA"_s : u"platformBoxB"_s);
        state.platformLabel = new QLabel(tr("Platform:"), this);
        state.platformLabel->setBuddy(state.platform);
        state.platform->hide();
        state.platformLabel->hide();
        connect(state.platform, &QComboBox::currentIndexChanged, this, &CompareDialog::compare);
        row->addWidget(reference, 1);
        row->addWidget(state.platformLabel);
        row->addWidget(state.platform);
        if (button)
            row->addWidget(button);
        return row;
    };
    auto *form = new QFormLayout;
    form->addRow(tr("A:"), platformRow(A, m_labelA, nullptr));
    auto *labelB = new QLabel(tr("&B:"), this);
    labelB->setBuddy(m_referenceB);
    form->addRow(labelB, platformRow(B, m_referenceB, m_compare));

    m_banner->setObjectName(u"compareBanner"_s);
    m_summary->setObjectName(u"compareSummary"_s);
    m_summary->setWordWrap(true);
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);

    m_config->setObjectName(u"configTable"_s);
    m_config->setColumnCount(3);
    m_config->setHorizontalHeaderLabels({tr("Field"), tr("A"), tr("B")});
    m_config->verticalHeader()->hide();
    m_config->setWordWrap(true);
    m_config->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_config->horizontalHeader()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    m_config->horizontalHeader()->setSectionResizeMode(1, QHeaderView::Stretch);
    m_config->horizontalHeader()->setSectionResizeMode(2, QHeaderView::Stretch);
    m_onlyDifferences->setObjectName(u"onlyDifferencesBox"_s);
    connect(m_onlyDifferences, &QCheckBox::toggled, this, [this](bool only) {
        for (int row = 0; row < m_config->rowCount(); ++row)
            m_config->setRowHidden(row,
                                   only && !m_config->item(row, 0)->data(DiffersRole).toBool());
    });
    auto *configTab = new QWidget(this);
    auto *configLayout = new QVBoxLayout(configTab);
    configLayout->addWidget(m_onlyDifferences);
    configLayout->addWidget(m_config, 1);

    m_layers->setObjectName(u"layersTable"_s);
    m_layers->setColumnCount(3);
    m_layers->setHorizontalHeaderLabels({tr("Layer digest"), tr("Size"), tr("In")});
    m_layers->verticalHeader()->hide();
    m_layers->verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 8);
    m_layers->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_layers->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_layers->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Stretch);
    m_layers->horizontalHeader()->setSectionResizeMode(1, QHeaderView::ResizeToContents);
    m_layers->horizontalHeader()->setSectionResizeMode(2, QHeaderView::ResizeToContents);

    m_tabs->setObjectName(u"compareTabs"_s);
    m_tabs->addTab(configTab, tr("Config"));
    m_tabs->addTab(m_layers, tr("Layers"));
    m_tabs->addTab(createFilesTab(), tr("Files"));

    auto *close = new QPushButton(tr("Close"), this);
    close->setAutoDefault(false);
    connect(close, &QPushButton::clicked, this, &QDialog::reject);
    auto *buttons = new QHBoxLayout;
    buttons->addStretch();
    buttons->addWidget(close);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_banner);
    layout->addWidget(m_summary);
    layout->addWidget(m_tabs, 1);
    layout->addLayout(buttons);
    setState(State::Idle);
}

QWidget *CompareDialog::createFilesTab()
{
    auto *tab = new QWidget(this);
    m_compareFiles->setObjectName(u"compareFilesButton"_s);
    m_compareFiles->setAutoDefault(false);
    m_compareFiles->setToolTip(tr("Read both images' layers and list the paths that differ"));
    connect(m_compareFiles, &QPushButton::clicked, this, &CompareDialog::compareFiles);
    m_progress->setObjectName(u"compareProgress"_s);
    m_progress->hide();
    m_cancel->setObjectName(u"compareCancelButton"_s);
    m_cancel->setIcon(Icons::themed(u"process-stop"_s));
    m_cancel->setText(tr("Cancel"));
    m_cancel->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    m_cancel->setAutoRaise(true);
    m_cancel->hide();
    connect(m_cancel, &QToolButton::clicked, this, &CompareDialog::cancelFiles);
    m_filesSummary->setObjectName(u"filesSummary"_s);
    m_filesSummary->setText(tr("The files are compared on request: both images' layers are "
                               "read (layers read before come from the cache)."));
    m_filesSummary->setWordWrap(true);
    m_filesFilter->setObjectName(u"filesFilter"_s);
    m_filesFilter->setPlaceholderText(tr("Filter paths"));
    m_filesFilter->setClearButtonEnabled(true);
    m_filesFilter->setMaximumWidth(260);
    m_changesProxy->setSourceModel(m_changes);
    m_changesProxy->setFilterKeyColumn(FileChangesModel::PathColumn);
    m_changesProxy->setFilterCaseSensitivity(Qt::CaseInsensitive);
    connect(m_filesFilter, &QLineEdit::textChanged, m_changesProxy,
            &QSortFilterProxyModel::setFilterFixedString);
    m_files->setObjectName(u"filesTable"_s);
    m_files->setModel(m_changesProxy);
    m_files->setSortingEnabled(true);
    m_files->sortByColumn(FileChangesModel::PathColumn, Qt::AscendingOrder);
    m_files->verticalHeader()->hide();
    // One line a row: a long list reads as a list.
    m_files->verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 6);
    m_files->setWordWrap(false);
    m_files->setAlternatingRowColors(true);
    m_files->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_files->horizontalHeader()->setSectionResizeMode(FileChangesModel::PathColumn,
                                                      QHeaderView::Stretch);
    m_files->horizontalHeader()->setSectionResizeMode(FileChangesModel::ChangeColumn,
                                                      QHeaderView::ResizeToContents);
    auto *top = new QHBoxLayout;
    top->addWidget(m_compareFiles);
    top->addWidget(m_progress, 1);
    top->addWidget(m_cancel);
    top->addWidget(m_filesSummary, 2);
    top->addWidget(m_filesFilter);
    auto *layout = new QVBoxLayout(tab);
    layout->addLayout(top);
    layout->addWidget(m_files, 1);
    return tab;
}

bool CompareDialog::resolveB(QString *error)
{
    const QString text = m_referenceB->text().trimmed();
    SideState &b = m_sides[B];
    const QString host = m_session ? m_session->registryName() : QString();
    if (text.isEmpty()) {
        *error = tr("Type what to compare with: a tag of this repository, repo:tag or "
                    "host/repo:tag.");
        return false;
    }
    if (ImageReference::isValidTag(text)) {
        b.session = m_session;
        b.repository = m_repository;
        b.reference = text;
        b.label = host + u'/' + m_repository + u':' + text;
        return true;
    }
    // "team/app:2" names this registry: Berth browses one registry, not Docker Hub by default.
    const QString first = text.section(u'/', 0, 0);
    const bool hasHost = text.contains(u'/')
                         && (first.contains(u'.') || first.contains(u':') || first == u"localhost");
    const Result<ImageReference> parsed
            = ImageReference::parse(hasHost ? text : host + u'/' + text);
    if (!parsed) {
        *error = tr("%1 is not a reference: %2").arg(text, parsed.error().message);
        return false;
    }
    const QString registry = parsed->displayRegistry();
    RegistrySession *session = registry == host ? m_session.data()
                               : m_lookup       ? m_lookup(registry)
                                                : nullptr;
    if (!session) {
        *error = tr("%1 is not connected: open one of its repositories first, then compare.")
                         .arg(registry);
        return false;
    }
    b.session = session;
    b.repository = parsed->repository();
    b.reference = parsed->reference();
    b.label = parsed->toString();
    if (!parsed->hasTag() && !parsed->hasDigest())
        b.label += u":latest"_s;
    return true;
}

void CompareDialog::compare()
{
    SideState &b = m_sides[B];
    const auto before = std::make_tuple(b.session.data(), b.repository, b.reference);
    QString error;
    if (!resolveB(&error))
        return fail(error);
    if (std::make_tuple(b.session.data(), b.repository, b.reference) != before) {
        // Another image: its platforms are asked for again.
        const QSignalBlocker blocker(b.platform);
        b.platform->clear();
        b.platform->hide();
        b.platformLabel->hide();
    }
    ++m_generation;
    for (SideState &side : m_sides) {
        if (side.job)
            side.job->cancel();
        side.done = false;
        side.files = ImageFiles();
    }
    m_banner->hide();
    m_comparison = ImageComparison();
    m_changes->clear();
    m_progressTimer.stop();
    m_progress->hide();
    m_cancel->hide();
    setFilesState(State::Idle);
    setState(State::Loading);
    loadSide(A, ImageFilesJob::Depth::Metadata);
    loadSide(B, ImageFilesJob::Depth::Metadata);
}

void CompareDialog::compareFiles()
{
    if (m_state != State::Compared || m_filesState == State::Loading)
        return;
    ++m_generation;
    for (SideState &side : m_sides)
        side.done = false;
    m_banner->hide();
    setFilesState(State::Loading);
    m_progress->setRange(0, 0);
    m_progress->setFormat(tr("Reading the layers …"));
    m_progress->show();
    m_cancel->show();
    m_progressTimer.start();
    loadSide(A, ImageFilesJob::Depth::Files);
    loadSide(B, ImageFilesJob::Depth::Files);
}

void CompareDialog::loadSide(Side side, ImageFilesJob::Depth depth)
{
    SideState &state = m_sides[side];
    if (!state.session) {
        sideLoaded(side, depth, Error(ErrorCode::InvalidInput, tr("not connected")), {});
        return;
    }
    const QString platform
            = state.platform->count() > 0 ? state.platform->currentText() : QString();
    auto *job = new ImageFilesJob(state.session->metadata(), m_cache, state.repository,
                                  state.reference, platform, depth, Priority::Interactive, this);
    state.job = job;
    const quint64 generation = m_generation;
    // The handler runs on the job's own finished(): the job is still there to ask.
    job->onFinished(this, [this, side, depth, job, generation](const Result<ImageFiles> &result) {
        if (generation == m_generation)
            sideLoaded(side, depth, result, job->platforms());
    });
}

void CompareDialog::sideLoaded(Side side, ImageFilesJob::Depth depth,
                               const Result<ImageFiles> &result, const QStringList &platforms)
{
    SideState &state = m_sides[side];
    if (!result) {
        // An index: one of its platforms is compared, by default the other side's.
        if (result.error().code == ErrorCode::InvalidInput && !platforms.isEmpty()
            && state.platform->count() == 0) {
            const SideState &other = m_sides[side == A ? B : A];
            QString preferred = u"linux/amd64"_s;
            if (other.platform->count() > 0)
                preferred = other.platform->currentText();
            else if (other.done)
                preferred = other.files.platform();
            fillPlatformBox(state.platform, platforms, preferred);
            state.platform->show();
            state.platformLabel->show();
            loadSide(side, depth);
            return;
        }
        ++m_generation; // the other side's answer means nothing alone
        for (SideState &each : m_sides) {
            if (each.job)
                each.job->cancel();
        }
        const QString message
                = tr("Could not read %1: %2").arg(state.label, result.error().toString());
        if (depth == ImageFilesJob::Depth::Files) {
            m_progressTimer.stop();
            m_progress->hide();
            m_cancel->hide();
            m_banner->showError(message, false);
            setFilesState(State::Failed);
        } else {
            fail(message);
        }
        return;
    }
    state.files = *result;
    state.done = true;
    if (!m_sides[A].done || !m_sides[B].done)
        return;
    if (depth == ImageFilesJob::Depth::Metadata)
        showComparison();
    else
        showFileChanges();
}

void CompareDialog::showComparison()
{
    const auto label = [](const SideState &side) {
        return side.files.indexDigest.isEmpty()
                       ? side.label
                       : side.label + u" ("_s + side.files.platform() + u')';
    };
    m_comparison = ImageComparison::compare(label(m_sides[A]), m_sides[A].files.image,
                                            label(m_sides[B]), m_sides[B].files.image);

    // Differing rows stand out in any palette: the selection colour, faint.
    QColor highlight = palette().color(QPalette::Highlight);
    highlight.setAlpha(60);
    m_config->setRowCount(0);
    m_config->setRowCount(int(m_comparison.fields.size()));
    for (int row = 0; row < m_comparison.fields.size(); ++row) {
        const ConfigField &field = m_comparison.fields.at(row);
        const bool differs = field.differs();
        const QStringList cells{field.name, ConfigField::text(field.a), ConfigField::text(field.b)};
        for (int column = 0; column < 3; ++column) {
            QTableWidgetItem *item = readOnlyItem(cells.at(column));
            item->setData(DiffersRole, differs);
            item->setToolTip(cells.at(column));
            if (differs) {
                item->setBackground(highlight);
                if (column == 0) {
                    QFont font = item->font();
                    font.setBold(true);
                    item->setFont(font);
                }
            }
            m_config->setItem(row, column, item);
        }
        m_config->setRowHidden(row, m_onlyDifferences->isChecked() && !differs);
    }
    m_config->resizeRowsToContents();

    // A's layers in order, then those only B has, in B's order.
    QHash<QString, qint64> sizes;
    for (const Side side : {B, A}) {
        for (const Descriptor &layer : m_sides[side].files.image.layers)
            sizes.insert(layer.digest, layer.size);
    }
    QList<QPair<QString, QString>> rows;
    QList<QColor> colours;
    const auto add = [&](const QString &digest, const QString &where, const QColor &colour) {
        rows.append({digest, where});
        colours.append(colour);
    };
    for (const Descriptor &layer : m_sides[A].files.image.layers) {
        if (m_comparison.sharedLayers.contains(layer.digest))
            add(layer.digest, tr("shared"), palette().color(QPalette::Text));
        else
            add(layer.digest, tr("only A"), removedColour());
    }
    for (const QString &digest : std::as_const(m_comparison.onlyB))
        add(digest, tr("only B"), addedColour());
    m_layers->setRowCount(0);
    m_layers->setRowCount(int(rows.size()));
    for (int row = 0; row < rows.size(); ++row) {
        m_layers->setItem(row, 0, readOnlyItem(rows.at(row).first));
        QTableWidgetItem *size = readOnlyItem(sizeText(sizes.value(rows.at(row).first)));
        size->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
        m_layers->setItem(row, 1, size);
        QTableWidgetItem *where = readOnlyItem(rows.at(row).second);
        where->setForeground(colours.at(row));
        m_layers->setItem(row, 2, where);
    }

    setState(State::Compared);
    m_summary->setText(summaryText());
}

void CompareDialog::showFileChanges()
{
    m_progressTimer.stop();
    m_progress->hide();
    m_cancel->hide();
    m_comparison.compareFiles(m_sides[A].files.filesystem, m_sides[B].files.filesystem);
    m_changes->setChanges(m_comparison);
    const QLocale locale;
    m_filesSummary->setText(m_comparison.added.isEmpty() && m_comparison.removed.isEmpty()
                                            && m_comparison.changed.isEmpty()
                                    ? tr("The files are the same.")
                                    : tr("%1 added, %2 removed, %3 changed in B")
                                              .arg(locale.toString(m_comparison.added.size()),
                                                   locale.toString(m_comparison.removed.size()),
                                                   locale.toString(m_comparison.changed.size())));
    QStringList notes;
    for (const SideState &side : m_sides) {
        for (const QString &note : side.files.notes)
            notes.append(side.label + u": "_s + note);
    }
    if (!notes.isEmpty())
        m_banner->showInfo(notes.mid(0, 3).join(u"; "_s));
    setFilesState(State::Compared);
}

QString CompareDialog::summaryText() const
{
    if (m_state != State::Compared)
        return {};
    const ImageComparison &c = m_comparison;
    int differing = 0;
    for (const ConfigField &field : c.fields)
        differing += field.differs() ? 1 : 0;
    const qint64 delta = c.sizeDelta();
    QString size;
    if (delta == 0)
        size = tr("Same size (%1).").arg(sizeText(c.sizeA));
    else
        size = tr("B is %1 %2 than A (%3 → %4).")
                       .arg(sizeText(qAbs(delta)), delta > 0 ? tr("bigger") : tr("smaller"),
                            sizeText(c.sizeA), sizeText(c.sizeB));
    return size + u' ' + tr("%n layer(s) shared, ", nullptr, int(c.sharedLayers.size()))
           + tr("%n only in A, ", nullptr, int(c.onlyA.size()))
           + tr("%n only in B. ", nullptr, int(c.onlyB.size()))
           + tr("%n config field(s) differ.", nullptr, differing);
}

void CompareDialog::fail(const QString &message)
{
    m_banner->showError(message, false);
    m_summary->clear();
    setState(State::Failed);
}

void CompareDialog::setState(State state)
{
    m_state = state;
    m_compareFiles->setEnabled(state == State::Compared && m_filesState != State::Loading);
    if (state != State::Compared)
        m_summary->setText(state == State::Loading ? tr("Reading both images …") : QString());
    Q_EMIT stateChanged(state);
}

void CompareDialog::setFilesState(State state)
{
    m_filesState = state;
    m_compareFiles->setEnabled(m_state == State::Compared && state != State::Loading);
    if (state == State::Loading)
        m_filesSummary->setText(tr("Reading both images' layers …"));
    else if (state == State::Failed)
        m_filesSummary->setText(tr("Not compared."));
    Q_EMIT filesStateChanged(state);
}

void CompareDialog::updateProgress()
{
    qint64 done = 0;
    qint64 total = 0;
    for (const SideState &side : m_sides) {
        if (side.job) {
            done += side.job->bytesDone();
            total += side.job->bytesTotal();
        }
    }
    if (total <= 0) {
        m_progress->setRange(0, 0); // the layers come from the cache, or metadata first
        return;
    }
    m_progress->setRange(0, 1000);
    m_progress->setValue(int(qBound(qint64(0), done * 1000 / total, qint64(1000))));
    m_progress->setFormat(tr("%1 of %2").arg(sizeText(done), sizeText(total)));
}

void CompareDialog::cancelFiles()
{
    for (SideState &side : m_sides) {
        if (side.job)
            side.job->cancel();
    }
}

} // namespace Berth
