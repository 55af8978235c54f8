#include "ui/icons.h"

#include <QFile>

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
    ensureResources();
    const QString fallback = u":/berth/icons/actions/"_s + name + u".svg"_s;
    if (!QFile::exists(fallback))
        return QIcon::fromTheme(name);
    return QIcon::fromTheme(name, QIcon(fallback));
}

QIcon appIcon()
{
    ensureResources();
    return QIcon(u":/berth/icons/berth.svg"_s);
}

} // namespace Berth::Icons
