#include "ui/cachedialog.h"

#include "models/metadata/metadatacache.h"

#include <QDesktopServices>
#include <QDialogButtonBox>
#include <QDir>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QMessageBox>
#include <QPushButton>
#include <QSpinBox>
#include <QTreeWidget>
#include <QUrl>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace Berth {

namespace {

constexpr qint64 MiB = 1024 * 1024;

enum RegistryColumn { RegistryName, RegistryRepositories, RegistryTags, RegistryColumnCount };

//! A table cell that sorts by its number, not its text ("9" before "10").
class CountItem final : public QTreeWidgetItem
{
public:
    using QTreeWidgetItem::QTreeWidgetItem;
    bool operator<(const QTreeWidgetItem &other) const override
    {
        const int column = treeWidget() ? treeWidget()->sortColumn() : 0;
        if (column == RegistryName)
            return text(column) < other.text(column);
        return data(column, Qt::UserRole).toLongLong()
               < other.data(column, Qt::UserRole).toLongLong();
    }
};

QLabel *selectableLabel()
{
    auto *label = new QLabel;
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    return label;
}

} // namespace

CacheDialog::CacheDialog(MetadataCache *cache, const LayerListingCache &layers, QWidget *parent)
    : QDialog(parent)
    , m_cache(cache)
    , m_layers(layers)
    , m_location(selectableLabel())
    , m_openFolder(new QPushButton(tr("Open Folder")))
    , m_size(selectableLabel())
    , m_images(selectableLabel())
    , m_tags(selectableLabel())
    , m_listings(selectableLabel())
    , m_registries(new QTreeWidget)
    , m_clearRegistry(new QPushButton(tr("Clear Registry…")))
    , m_clearAll(new QPushButton(tr("Clear All…")))
    , m_cap(new QSpinBox)
    , m_message(new QLabel)
{
    setWindowTitle(tr("Cache"));
    setObjectName(u"cacheDialog"_s);

    // A long path elides nothing: it wraps at separators the label finds, and stays selectable.
    m_location->setWordWrap(true);
    m_location->setMinimumWidth(320);
    auto *location = new QHBoxLayout;
    location->addWidget(m_location, 1);
    location->addWidget(m_openFolder, 0, Qt::AlignTop);

    auto *figures = new QFormLayout;
    figures->addRow(tr("Location:"), location);
    figures->addRow(tr("Size on disk:"), m_size);
    figures->addRow(tr("Images:"), m_images);
    figures->addRow(tr("Tags:"), m_tags);
    figures->addRow(tr("Layer listings:"), m_listings);

    m_registries->setColumnCount(RegistryColumnCount);
    m_registries->setHeaderLabels({tr("Registry"), tr("Repositories"), tr("Tags")});
    m_registries->setRootIsDecorated(false);
    m_registries->setUniformRowHeights(true);
    m_registries->setSortingEnabled(true);
    m_registries->sortByColumn(RegistryName, Qt::AscendingOrder);
    m_registries->setSelectionMode(QAbstractItemView::SingleSelection);
    m_registries->header()->setStretchLastSection(false);
    m_registries->header()->setSectionResizeMode(RegistryName, QHeaderView::Stretch);
    m_registries->header()->setSectionResizeMode(RegistryRepositories,
                                                 QHeaderView::ResizeToContents);
    m_registries->header()->setSectionResizeMode(RegistryTags, QHeaderView::ResizeToContents);
    for (const int column : {RegistryRepositories, RegistryTags})
        m_registries->headerItem()->setTextAlignment(column, Qt::AlignRight | Qt::AlignVCenter);
    // A handful of registries is the usual case: a short table, not half the dialog.
    m_registries->setMinimumHeight(120);

    auto *clearing = new QHBoxLayout;
    clearing->addWidget(m_clearRegistry);
    clearing->addStretch(1);
    clearing->addWidget(m_clearAll);

    m_cap->setRange(MinCapMiB, MaxCapMiB);
    m_cap->setSuffix(tr(" MiB"));
    m_cap->setSingleStep(64);
    // One change per finished edit (Enter, focus out, arrows), not per digit typed: each change
    // may evict.
    m_cap->setKeyboardTracking(false);
    m_cap->setToolTip(tr("Past this the least recently used images' metadata is removed. Tags "
                         "and layer listings are not counted."));
    // The spin box at its natural width, the rule beside it: a full-width field for a number
    // reads as a text field.
    auto *capHint = new QLabel(tr("least recently used images go past it"));
    capHint->setForegroundRole(QPalette::PlaceholderText);
    auto *capField = new QHBoxLayout;
    capField->addWidget(m_cap);
    capField->addWidget(capHint);
    capField->addStretch(1);
    auto *capRow = new QFormLayout;
    capRow->addRow(tr("Metadata size cap:"), capField);

    m_message->setWordWrap(true);
    m_message->setVisible(false);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close);
    QPushButton *refreshButton = buttons->addButton(tr("Refresh"), QDialogButtonBox::ActionRole);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(figures);
    layout->addWidget(m_registries, 1);
    layout->addLayout(clearing);
    layout->addLayout(capRow);
    layout->addWidget(m_message);
    layout->addWidget(buttons);

    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(refreshButton, &QPushButton::clicked, this, &CacheDialog::refresh);
    connect(m_openFolder, &QPushButton::clicked, this,
            [this] { QDesktopServices::openUrl(QUrl::fromLocalFile(folder())); });
    connect(m_registries, &QTreeWidget::itemSelectionChanged, this, &CacheDialog::updateActions);
    connect(m_clearRegistry, &QPushButton::clicked, this, &CacheDialog::confirmClearRegistry);
    connect(m_clearAll, &QPushButton::clicked, this, &CacheDialog::confirmClearAll);

    if (m_cache) {
        const qint64 cap = m_cache->maxBytes();
        m_cap->setValue(int(qBound(qint64(MinCapMiB), (cap + MiB - 1) / MiB, qint64(MaxCapMiB))));
    } else {
        m_cap->setValue(int(MetadataCache::DefaultMaxBytes / MiB));
    }
    // Connected after the initial value: opening the dialog changes nothing.
    connect(m_cap, &QSpinBox::valueChanged, this, &CacheDialog::applyCap);

    resize(560, 420);
    refresh();
}

CacheDialog::~CacheDialog() = default;

QString CacheDialog::folder() const
{
    const QString database
            = m_cache ? m_cache->databasePath() : MetadataCache::defaultDatabasePath();
    return QFileInfo(database).absolutePath();
}

void CacheDialog::refresh()
{
    const QLocale locale;
    const bool open = m_cache && m_cache->isOpen();
    // statistics() commits what the window queued first, so the counts include it.
    CacheStatistics statistics = open ? m_cache->statistics() : CacheStatistics{};
    if (!open && m_cache)
        statistics.fileBytes = MetadataCache::fileBytes(m_cache->databasePath());
    const LayerListingCache::Usage listings = m_layers.usage();

    m_location->setText(QDir::toNativeSeparators(folder()));
    m_openFolder->setEnabled(QFileInfo(folder()).isDir());
    m_size->setText(tr("%1 (metadata %2, layer listings %3)")
                            .arg(locale.formattedDataSize(statistics.fileBytes + listings.bytes),
                                 locale.formattedDataSize(statistics.fileBytes),
                                 locale.formattedDataSize(listings.bytes)));
    m_images->setText(open ? locale.toString(statistics.images)
                           : tr("none (the metadata cache is not available)"));
    const qsizetype registries = statistics.registries.size();
    const QString tags = locale.toString(statistics.tags);
    m_tags->setText(registries == 1
                            ? tr("%1 in 1 registry").arg(tags)
                            : tr("%1 in %2 registries").arg(tags, locale.toString(registries)));
    m_listings->setText(locale.toString(listings.listings));

    const QString selected = selectedRegistry();
    m_registries->setSortingEnabled(false);
    m_registries->clear();
    for (auto it = statistics.registries.cbegin(); it != statistics.registries.cend(); ++it) {
        auto *item = new CountItem(m_registries);
        item->setText(RegistryName, it.key());
        item->setText(RegistryRepositories, locale.toString(it->repositories));
        item->setData(RegistryRepositories, Qt::UserRole, it->repositories);
        item->setText(RegistryTags, locale.toString(it->tags));
        item->setData(RegistryTags, Qt::UserRole, it->tags);
        for (const int column : {RegistryRepositories, RegistryTags})
            item->setTextAlignment(column, Qt::AlignRight | Qt::AlignVCenter);
    }
    m_registries->setSortingEnabled(true);
    selectRegistry(selected);
    updateActions();
}

QString CacheDialog::selectedRegistry() const
{
    const QList<QTreeWidgetItem *> items = m_registries->selectedItems();
    return items.isEmpty() ? QString() : items.constFirst()->text(RegistryName);
}

void CacheDialog::selectRegistry(const QString &registry)
{
    m_registries->clearSelection();
    if (registry.isEmpty())
        return;
    const QList<QTreeWidgetItem *> found
            = m_registries->findItems(registry, Qt::MatchExactly, RegistryName);
    if (!found.isEmpty())
        m_registries->setCurrentItem(found.constFirst());
}

void CacheDialog::updateActions()
{
    const bool open = m_cache && m_cache->isOpen();
    m_clearRegistry->setEnabled(open && !selectedRegistry().isEmpty());
    m_clearAll->setEnabled(open || m_layers.usage().listings > 0);
    m_cap->setEnabled(open);
}

void CacheDialog::confirm(const QString &objectName, const QString &title, const QString &text,
                          const QString &yesText, std::function<void()> onYes)
{
    auto *box = new QMessageBox(this);
    box->setObjectName(objectName);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->setIcon(QMessageBox::Question);
    box->setWindowTitle(title);
    box->setText(text);
    box->setInformativeText(tr("Nothing changes on any registry: what is removed is fetched "
                               "again when next needed."));
    box->setStandardButtons(QMessageBox::Yes | QMessageBox::Cancel);
    box->button(QMessageBox::Yes)->setText(yesText);
    box->setDefaultButton(QMessageBox::Cancel);
    connect(box, &QMessageBox::finished, this, [box, onYes = std::move(onYes)] {
        if (box->clickedButton() == box->button(QMessageBox::Yes))
            onYes();
    });
    box->open();
}

void CacheDialog::confirmClearRegistry()
{
    const QString registry = selectedRegistry();
    if (registry.isEmpty())
        return;
    confirm(u"clearRegistryConfirmation"_s, tr("Clear Registry"),
            tr("Forget what the cache knows of <b>%1</b>: its tags and the metadata of images "
               "no other registry's tags point at?")
                    .arg(registry.toHtmlEscaped()),
            tr("Clear %1").arg(registry), [this, registry] { clearRegistry(registry); });
}

void CacheDialog::confirmClearAll()
{
    confirm(u"clearAllConfirmation"_s, tr("Clear All"),
            tr("Empty the cache: every image's metadata, every tag and every layer listing?"),
            tr("Clear All"), [this] { clearAll(); });
}

void CacheDialog::clearRegistry(const QString &registry)
{
    if (!m_cache)
        return;
    const bool ok = m_cache->clearRegistry(registry);
    m_message->setText(ok ? tr("%1 cleared.").arg(registry)
                          : tr("%1 could not be cleared: another Berth holds the cache busy, "
                               "or the file cannot be written. Try again later.")
                                       .arg(registry));
    m_message->setVisible(true);
    refresh();
    if (ok)
        Q_EMIT cacheCleared();
}

void CacheDialog::clearAll()
{
    const bool metadataCleared = !m_cache || !m_cache->isOpen() || m_cache->clearAll();
    const bool listingsCleared = m_layers.clear();
    if (metadataCleared && listingsCleared) {
        m_message->setText(tr("The cache is empty."));
    } else if (!metadataCleared) {
        m_message->setText(tr("The metadata could not be cleared: another Berth holds the cache "
                              "busy, or the file cannot be written. Try again later."));
    } else {
        m_message->setText(tr("Some layer listings could not be removed from %1.")
                                   .arg(QDir::toNativeSeparators(m_layers.directory())));
    }
    m_message->setVisible(true);
    refresh();
    Q_EMIT cacheCleared();
}

void CacheDialog::applyCap(int mebibytes)
{
    if (!m_cache)
        return;
    const qint64 bytes = qint64(mebibytes) * MiB;
    m_cache->setMaxBytes(bytes);
    // Evict now, so the figures show the effect of the new cap.
    m_cache->flush();
    refresh();
    Q_EMIT maxBytesChanged(bytes);
}

} // namespace Berth
