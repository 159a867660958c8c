package dev.cairn.server.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.server.store.StoreException;
import dev.cairn.server.store.StoreUrl;
import org.junit.jupiter.api.Test;

/** The postgresql:// store URL, read into what the JDBC driver takes; no database needed. */
class PostgresAddressTest {

  private static PostgresAddress of(String setting) {
    return PostgresAddress.of(StoreUrl.parse(setting));
  }

  @Test
  void userPasswordHostPortDatabaseAndParametersAreSplitForTheDriver() {
    PostgresAddress address = of("postgresql://cairn:s3cret@db.example:6543/runs?sslmode=require");

    assertThat(address.jdbcUrl())
        .isEqualTo("jdbc:postgresql://db.example:6543/runs?sslmode=require");
    assertThat(address.user()).isEqualTo("cairn");
    assertThat(address.password()).isEqualTo("s3cret");
    assertThat(address.display()).isEqualTo("postgresql://cairn@db.example:6543/runs");
    assertThat(address.toString()).doesNotContain("s3cret");
  }

  @Test
  void aPercentEncodedPasswordIsDecodedAndAPlusStaysAPlus() {
    PostgresAddress address = of("postgresql://me:p%40ss+w%3Ard@[::1]:5432/cairn");

    assertThat(address.password()).isEqualTo("p@ss+w:rd");
    assertThat(address.jdbcUrl()).isEqualTo("jdbc:postgresql://[::1]:5432/cairn");
  }

  @Test
  void userAndPasswordMayBeLeftToTheDriver() {
    PostgresAddress address = of("postgresql://db.example/cairn");

    assertThat(address.user()).isNull();
    assertThat(address.password()).isNull();
    assertThat(address.jdbcUrl()).isEqualTo("jdbc:postgresql://db.example/cairn");
  }

  @Test
  void aUrlWithoutHostOrDatabaseIsRefusedInOneLineWithoutThePassword() {
    for (String bad :
        new String[] {
          "postgresql:db",
          "postgresql://u:hidden@db.example",
          "postgresql://u:hidden@/cairn",
          "postgresql://db.example/?x=1"
        }) {
      assertThatThrownBy(() -> of(bad))
          .as(bad)
          .isInstanceOf(StoreException.class)
          .hasMessageContaining("postgresql://")
          .hasMessageNotContaining("hidden")
          .hasMessageNotContaining("\n");
    }
  }

  @Test
  void theSettingAsLoggedHidesThePasswordWhereverItIs() {
    assertThat(StoreUrl.parse("postgresql://u:hidden@h/db").toString())
        .isEqualTo("postgresql://u:***@h/db");
    assertThat(StoreUrl.parse("postgresql://h/db?user=u&password=hidden&ssl=true").toString())
        .isEqualTo("postgresql://h/db?user=u&password=***&ssl=true");
  }
}
