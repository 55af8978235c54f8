#include "ui/platformbox.h"

#include <QComboBox>
#include <QSignalBlocker>

using namespace Qt::StringLiterals;

namespace Berth {

void fillPlatformBox(QComboBox *box, const QStringList &platforms, const QString &preferred)
{
    const QSignalBlocker blocker(box);
    for (const QString &platform : platforms) {
        if (!platform.startsWith(u"unknown/"_s))
            box->addItem(platform);
    }
    box->setCurrentIndex(qMax(0, box->findText(preferred)));
}

} // namespace Berth
