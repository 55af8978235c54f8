#include "ui/icons.h"

#include <QCoreApplication>
#include <QFile>
#include <QHash>
#include <QThread>

using namespace Qt::StringLiterals;

// The resource lives in a static library: make sure its registration is linked in.
static void initBerthResources()
{
    Q_INIT_RESOURCE(berth);
}

namespace Berth::Icons {

static void ensureResources()
{
    static const bool done = [] {
        initBerthResources();
        return true;
    }();
    Q_UNUSED(done)
}

QIcon themed(const QString &name)
{
    // Views ask for icons on every paint (the repository tree's DecorationRole): a new QIcon
    // each time meant inflating the compressed resource and rendering the SVG again, most of
    // the CPU spent listing a 10,000-repository catalog. One QIcon per name keeps its pixmap
    // cache; a theme icon still follows a change of theme. Icons belong to the GUI thread.
    Q_ASSERT(!QCoreApplication::instance()
             || QThread::currentThread() == QCoreApplication::instance()->thread());
    static QHash<QString, QIcon> icons;
    if (const auto it = icons.constFind(name); it != icons.cend())
        return it.value();
    ensureResources();
    const QString fallback = u":/berth/icons/actions/"_s + name + u".svg"_s;
    const QIcon icon = QFile::exists(fallback) ? QIcon::fromTheme(name, QIcon(fallback))
                                               : QIcon::fromTheme(name);
    icons.insert(name, icon);
    return icon;
}

QIcon appIcon()
{
    ensureResources();
    return QIcon(u":/berth/icons/berth.svg"_s);
}

} // namespace Berth::Icons
