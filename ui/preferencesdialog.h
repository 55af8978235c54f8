#pragma once

#include "ui/preferences.h"

#include <QDialog>

class QSpinBox;

namespace Berth {

//! Edit ▸ Preferences: the few settings people change — the disk cache's size cap, requests at
//! once per registry, how often watched repositories are checked. Nothing is applied until OK;
//! then preferences() and cacheMaxBytes() hold the choice (the window applies and announces it).
class PreferencesDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(PreferencesDialog)
public:
    PreferencesDialog(const Preferences &preferences, qint64 cacheMaxBytes,
                      QWidget *parent = nullptr);

    Preferences preferences() const;
    qint64 cacheMaxBytes() const;

    QSpinBox *cacheCapBox() const { return m_cacheCap; }
    QSpinBox *connectionsBox() const { return m_connections; }
    QSpinBox *watchIntervalBox() const { return m_watchInterval; }

private:
    QSpinBox *m_cacheCap;
    QSpinBox *m_connections;
    QSpinBox *m_watchInterval;
    qint64 m_initialCacheMaxBytes;
};

} // namespace Berth
