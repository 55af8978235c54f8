#include "ui/preferencesdialog.h"

#include "ui/cachedialog.h"

#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QSpinBox>
#include <QVBoxLayout>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace Berth {

namespace {

constexpr qint64 MiB = 1024 * 1024;

//! A spin box at its natural width with a grey hint beside it: a full-width field for a
//! number reads as a text field.
QHBoxLayout *withHint(QSpinBox *box, const QString &hint)
{
    auto *label = new QLabel(hint);
    label->setForegroundRole(QPalette::PlaceholderText);
    auto *row = new QHBoxLayout;
    row->addWidget(box);
    row->addWidget(label);
    row->addStretch(1);
    return row;
}

} // namespace

PreferencesDialog::PreferencesDialog(const Preferences &preferences, qint64 cacheMaxBytes,
                                     QWidget *parent)
    : QDialog(parent)
    , m_cacheCap(new QSpinBox)
    , m_connections(new QSpinBox)
    , m_watchInterval(new QSpinBox)
    , m_initialCacheMaxBytes(cacheMaxBytes)
{
    setObjectName(u"preferencesDialog"_s);
    setWindowTitle(tr("Preferences"));

    m_cacheCap->setObjectName(u"cacheCap"_s);
    m_cacheCap->setRange(CacheDialog::MinCapMiB, CacheDialog::MaxCapMiB);
    m_cacheCap->setSuffix(tr(" MiB"));
    m_cacheCap->setSingleStep(64);
    m_cacheCap->setValue(
            int(std::clamp((cacheMaxBytes + MiB - 1) / MiB, qint64(CacheDialog::MinCapMiB),
                           qint64(CacheDialog::MaxCapMiB))));
    m_cacheCap->setToolTip(tr("Past this the least recently used images' metadata is removed "
                              "from the disk cache (File ▸ Disk Cache… shows what it holds)"));

    m_connections->setObjectName(u"connectionsPerRegistry"_s);
    m_connections->setRange(Preferences::MinConnectionsPerRegistry,
                            Preferences::MaxConnectionsPerRegistry);
    m_connections->setValue(preferences.connectionsPerRegistry); // a spin box clamps
    m_connections->setToolTip(tr("Requests Berth sends at once to one registry. Lower it for a "
                                 "registry that rate-limits or a slow link."));

    m_watchInterval->setObjectName(u"watchInterval"_s);
    m_watchInterval->setRange(Preferences::MinWatchIntervalMinutes,
                              Preferences::MaxWatchIntervalMinutes);
    m_watchInterval->setSuffix(tr(" min"));
    m_watchInterval->setValue(preferences.watchIntervalMinutes);
    m_watchInterval->setToolTip(tr("How often watched repositories are checked for new tags and "
                                   "tags that moved"));

    // Labels made here with their buddies: QFormLayout::addRow(text, layout) has no field to
    // give the mnemonic to and would show the "&".
    auto *form = new QFormLayout;
    const auto addRow = [form](const QString &text, QSpinBox *box, const QString &hint) {
        auto *label = new QLabel(text);
        label->setBuddy(box);
        form->addRow(label, withHint(box, hint));
    };
    addRow(tr("Disk cache &size cap:"), m_cacheCap, tr("least recently used images go past it"));
    addRow(tr("&Requests at once per registry:"), m_connections,
           tr("%1 – %2")
                   .arg(Preferences::MinConnectionsPerRegistry)
                   .arg(Preferences::MaxConnectionsPerRegistry));
    addRow(tr("Check &watched repositories every:"), m_watchInterval, tr("1 min – 24 h"));

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addStretch(1);
    layout->addWidget(buttons);
}

Preferences PreferencesDialog::preferences() const
{
    Preferences preferences;
    preferences.connectionsPerRegistry = m_connections->value();
    preferences.watchIntervalMinutes = m_watchInterval->value();
    return preferences;
}

qint64 PreferencesDialog::cacheMaxBytes() const
{
    // Unchanged in the dialog: the exact value given, not it rounded up to whole MiB.
    const int initialMiB = int((m_initialCacheMaxBytes + MiB - 1) / MiB);
    if (m_cacheCap->value() == initialMiB)
        return m_initialCacheMaxBytes;
    return qint64(m_cacheCap->value()) * MiB;
}

} // namespace Berth
