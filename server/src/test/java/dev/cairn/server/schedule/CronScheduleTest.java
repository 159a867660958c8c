package dev.cairn.server.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import org.junit.jupiter.api.Test;

/** Nominal times of cron expressions in named zones, across daylight-saving changes. */
class CronScheduleTest {
  private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

  private static Instant at(String localDateTime, ZoneId zone) {
    return ZonedDateTime.of(java.time.LocalDateTime.parse(localDateTime), zone).toInstant();
  }

  @Test
  void fiveFieldsAreMinutesAndSixPutSecondsFirst() {
    CronSchedule hourly = CronSchedule.parse("15 * * * *", ZoneId.of("UTC"));
    assertThat(hourly.next(Instant.parse("2026-05-01T10:20:00Z")))
        .contains(Instant.parse("2026-05-01T11:15:00Z"));
    CronSchedule everySecond = CronSchedule.parse("* * * * * *", ZoneId.of("UTC"));
    assertThat(everySecond.next(Instant.parse("2026-05-01T10:20:00Z")))
        .contains(Instant.parse("2026-05-01T10:20:01Z"));
  }

  @Test
  void nominalTimesAreWholeSecondsWhateverTheFractionOfTheTimeBefore() {
    CronSchedule everySecond = CronSchedule.parse("* * * * * *", ZoneId.of("UTC"));
    assertThat(everySecond.next(Instant.parse("2026-05-01T10:20:07.400Z")))
        .contains(Instant.parse("2026-05-01T10:20:08Z"));
    assertThat(everySecond.next(Instant.parse("2026-05-01T10:20:07.999999999Z")))
        .contains(Instant.parse("2026-05-01T10:20:08Z"));
    CronSchedule everyMinute = CronSchedule.parse("* * * * *", ZoneId.of("UTC"));
    assertThat(everyMinute.next(Instant.parse("2026-05-01T10:20:59.500Z")))
        .contains(Instant.parse("2026-05-01T10:21:00Z"));
  }

  @Test
  void aTimeInTheSkippedHourOfSpringForwardDoesNotFireThatDay() {
    // 2026-03-29 in Berlin: 02:00 CET jumps to 03:00 CEST; 02:30 does not exist that day.
    CronSchedule daily = CronSchedule.parse("30 2 * * *", BERLIN);
    Instant before = at("2026-03-28T12:00", BERLIN);

    Instant first = daily.next(before).orElseThrow();
    Instant second = daily.next(first).orElseThrow();

    assertThat(first).isEqualTo(at("2026-03-30T02:30", BERLIN));
    assertThat(second).isEqualTo(at("2026-03-31T02:30", BERLIN));
    // An hourly schedule just has one firing fewer that day: 01:00 CET, then 03:00 CEST.
    CronSchedule hourly = CronSchedule.parse("0 * * * *", BERLIN);
    Instant one = hourly.next(at("2026-03-29T00:30", BERLIN)).orElseThrow();
    assertThat(hourly.next(one)).contains(one.plusSeconds(3600));
  }

  @Test
  void aTimeInTheRepeatedHourOfFallBackFiresOnceAtItsFirstOccurrence() {
    // 2026-10-25 in Berlin: 03:00 CEST falls back to 02:00 CET; 02:30 happens twice.
    CronSchedule daily = CronSchedule.parse("30 2 * * *", BERLIN);
    Instant before = at("2026-10-24T12:00", BERLIN);

    Instant first = daily.next(before).orElseThrow();
    Instant second = daily.next(first).orElseThrow();

    assertThat(first).isEqualTo(Instant.parse("2026-10-25T00:30:00Z"));
    assertThat(second).isEqualTo(at("2026-10-26T02:30", BERLIN));
  }

  @Test
  void aWrongExpressionIsRefusedNamingIt() {
    assertThatThrownBy(() -> CronSchedule.parse("61 * * * *", BERLIN))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'61 * * * *' is not valid");
    assertThatThrownBy(() -> CronSchedule.parse("* * *", BERLIN))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("has 3 fields");
  }
}
