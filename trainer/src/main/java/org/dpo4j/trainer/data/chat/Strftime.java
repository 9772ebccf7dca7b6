package org.dpo4j.trainer.data.chat;

import java.time.LocalDateTime;

/**
 * Python's {@code datetime.strftime} in the C locale (what transformers' {@code strftime_now}
 * calls), for the directives chat templates use:
 *
 * <pre>
 * %a Mon   %A Monday   %b Jan   %B January   %d 05   %e  5   %H 07   %I 07   %p AM
 * %j 036   %m 02   %M 04   %S 09   %f 000000   %y 26   %Y 2026   %w 1 (Sunday 0)
 * %u 1 (Monday 1)   %% %   %-d %-m %-H %-I %-M %-S %-j: without padding (glibc)
 * %z, %Z: empty (a naive time)
 * </pre>
 *
 * Other directives fail naming the directive rather than print something else.
 */
final class Strftime {

    private static final String[] DAYS = {
        "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"
    };
    private static final String[] MONTHS = {
        "January", "February", "March", "April", "May", "June", "July", "August", "September",
        "October", "November", "December"
    };

    private Strftime() {}

    /**
     * @throws PyCallException for a directive outside the table
     */
    static String format(LocalDateTime time, String format) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < format.length(); i++) {
            char c = format.charAt(i);
            if (c != '%' || i + 1 == format.length()) {
                out.append(c);
                continue;
            }
            char directive = format.charAt(++i);
            boolean unpadded = directive == '-' && i + 1 < format.length();
            if (unpadded) {
                directive = format.charAt(++i);
            }
            out.append(directive(time, directive, unpadded));
        }
        return out.toString();
    }

    private static String directive(LocalDateTime t, char directive, boolean unpadded) {
        String day = DAYS[t.getDayOfWeek().getValue() - 1];
        String month = MONTHS[t.getMonthValue() - 1];
        int hour12 = t.getHour() % 12 == 0 ? 12 : t.getHour() % 12;
        return switch (directive) {
            case 'a' -> day.substring(0, 3);
            case 'A' -> day;
            case 'b' -> month.substring(0, 3);
            case 'B' -> month;
            case 'd' -> number(t.getDayOfMonth(), 2, unpadded);
            case 'e' -> unpadded ? String.valueOf(t.getDayOfMonth())
                    : String.format("%2d", t.getDayOfMonth());
            case 'H' -> number(t.getHour(), 2, unpadded);
            case 'I' -> number(hour12, 2, unpadded);
            case 'p' -> t.getHour() < 12 ? "AM" : "PM";
            case 'j' -> number(t.getDayOfYear(), 3, unpadded);
            case 'm' -> number(t.getMonthValue(), 2, unpadded);
            case 'M' -> number(t.getMinute(), 2, unpadded);
            case 'S' -> number(t.getSecond(), 2, unpadded);
            case 'f' -> String.format("%06d", t.getNano() / 1000);
            case 'y' -> number(t.getYear() % 100, 2, unpadded);
            case 'Y' -> String.valueOf(t.getYear());
            case 'w' -> String.valueOf(t.getDayOfWeek().getValue() % 7);
            case 'u' -> String.valueOf(t.getDayOfWeek().getValue());
            case 'z', 'Z' -> "";
            case '%' -> "%";
            default -> throw new PyCallException("strftime_now(): directive %"
                    + (unpadded ? "-" : "") + directive + " is not supported");
        };
    }

    private static String number(int value, int width, boolean unpadded) {
        return unpadded ? String.valueOf(value) : String.format("%0" + width + "d", value);
    }
}
