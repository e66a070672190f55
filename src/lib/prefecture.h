/* Japan's 47 prefectures by their JIS X 0401 code (1 Hokkaido .. 47 Okinawa). */
#ifndef SHOWROOM_PREFECTURE_H
#define SHOWROOM_PREFECTURE_H

#include "lib/i18n.h"

#define PREFECTURE_COUNT 47

int		 prefecture_valid(int code);
/* NULL for an invalid code. English names are romanized without macrons ("Tokyo"). */
const char	*prefecture_name(int code, enum lang);

#endif
