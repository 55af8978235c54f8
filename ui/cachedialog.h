#pragma once

#include "models/files/layerlistingcache.h"

#include <QDialog>
#include <QPointer>

#include <functional>

class QLabel;
class QPushButton;
class QSpinBox;
class QTreeWidget;

namespace Berth {

class MetadataCache;

//! "Cache…": what the disk caches the window and `berth` share hold (where, size on disk,
//! images, tags, per registry repositories and tags, layer listings), Clear Registry (the one
//! selected in the table) and Clear All, each after a confirmation, and the metadata cache's
//! size cap. Works on the window's own MetadataCache, so what this process has queued is
//! cleared (or counted) with the rest; another Berth process using the file keeps working.
//! The cap is applied to the cache at once and announced with maxBytesChanged(): the caller
//! keeps it in its settings (ui/ knows no settings).
class CacheDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(CacheDialog)
public:
    //! The cap the spin box offers, in MiB: below 16 MiB a repository or two would evict each
    //! other; 64 GiB is far past anything metadata needs.
    static constexpr int MinCapMiB = 16;
    static constexpr int MaxCapMiB = 64 * 1024;

    //! cache: the window's (must outlive the dialog; a cache that is not open shows as empty
    //! with its actions off); layers: the layer listing cache (a folder) cleared with Clear All.
    CacheDialog(MetadataCache *cache, const LayerListingCache &layers, QWidget *parent = nullptr);
    ~CacheDialog() override;

    //! Reads the figures again (done on opening and after each change).
    void refresh();

    QLabel *locationLabel() const { return m_location; }
    QLabel *sizeLabel() const { return m_size; }
    QLabel *imagesLabel() const { return m_images; }
    QLabel *tagsLabel() const { return m_tags; }
    QLabel *listingsLabel() const { return m_listings; }
    QTreeWidget *registryTable() const { return m_registries; }
    QPushButton *openFolderButton() const { return m_openFolder; }
    QPushButton *clearRegistryButton() const { return m_clearRegistry; }
    QPushButton *clearAllButton() const { return m_clearAll; }
    QSpinBox *capBox() const { return m_cap; }
    QLabel *messageLabel() const { return m_message; }

    //! The registry selected in the table; empty when none.
    QString selectedRegistry() const;
    void selectRegistry(const QString &registry);

Q_SIGNALS:
    //! The person chose a new cap (already applied to the cache): persist it.
    void maxBytesChanged(qint64 bytes);
    //! Rows were removed (Clear Registry or Clear All): views showing cached state may refresh.
    void cacheCleared();

private:
    void confirmClearRegistry();
    void confirmClearAll();
    //! A window-modal question; onYes runs when the person agrees.
    void confirm(const QString &objectName, const QString &title, const QString &text,
                 const QString &yesText, std::function<void()> onYes);
    void clearRegistry(const QString &registry);
    void clearAll();
    void applyCap(int mebibytes);
    void updateActions();
    QString folder() const;

    QPointer<MetadataCache> m_cache;
    LayerListingCache m_layers;
    QLabel *m_location;
    QPushButton *m_openFolder;
    QLabel *m_size;
    QLabel *m_images;
    QLabel *m_tags;
    QLabel *m_listings;
    QTreeWidget *m_registries;
    QPushButton *m_clearRegistry;
    QPushButton *m_clearAll;
    QSpinBox *m_cap;
    QLabel *m_message;
};

} // namespace Berth
