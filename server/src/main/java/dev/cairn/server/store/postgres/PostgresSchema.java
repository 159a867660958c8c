package dev.cairn.server.store.postgres;

import dev.cairn.server.store.StoreException;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;

/**
 * Brings a database to the current schema with Flyway: the versioned scripts {@code
 * db/postgresql/VN__*.sql}, each in its own transaction (PostgreSQL's DDL is transactional, so a
 * crash leaves the database at a whole step). Flyway takes a lock on the database while it
 * migrates, so servers starting together on one database migrate it once.
 */
final class PostgresSchema {

  /** Where the scripts are, on the class path. */
  static final String LOCATION = "classpath:db/postgresql";

  /** The table in which Flyway records the steps applied. */
  static final String HISTORY_TABLE = "cairn_schema_history";

  private PostgresSchema() {}

  /**
   * Applies every step the database lacks.
   *
   * @throws StoreException naming the step when one fails, or when the database was migrated by a
   *     newer server
   */
  static void migrate(DataSource source, String where) {
    try {
      flyway(source).migrate();
    } catch (FlywayException e) {
      throw new StoreException(
          "could not bring the schema of " + where + " up to date: " + firstLine(e), e);
    }
  }

  static Flyway flyway(DataSource source) {
    return Flyway.configure(PostgresSchema.class.getClassLoader())
        .dataSource(source)
        .locations(LOCATION)
        .table(HISTORY_TABLE)
        .failOnMissingLocations(true)
        .validateMigrationNaming(true)
        // A database a newer server migrated must be refused, not written with an older schema.
        .ignoreMigrationPatterns(new String[0])
        .load();
  }

  private static String firstLine(Exception e) {
    String message = String.valueOf(e.getMessage()).strip();
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }
}
