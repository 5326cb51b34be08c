package org.sss.servicedirectory.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.sss.lib.client.Location;

class LocationTableTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private final LocationTable table = new LocationTable(Duration.ofSeconds(180));

    private static Location at(String component, String host, int port) {
        return new Location(component, host, Integer.toString(port), "challenge", "1.0", "1", null, null);
    }

    private static Location query(String component, String host, String port) {
        return new Location(component, host, port, null, null, null, null, null);
    }

    @Test
    void registeringTheSameLocationAgainRenewsItsLease() {
        assertThat(table.register(at("qm", "h", 1), T0)).isEqualTo(LocationTable.Change.ADDED);
        assertThat(table.register(at("qm", "h", 1), T0.plusSeconds(170))).isEqualTo(LocationTable.Change.RENEWED);
        assertThat(table.expire(T0.plusSeconds(200))).as("renewed at 170 s, expires at 350 s").isEmpty();
        assertThat(table.expire(T0.plusSeconds(350))).extracting(Location::component).containsExactly("qm");
        assertThat(table.size()).isZero();
    }

    @Test
    void theSameComponentAtTwoPortsIsTwoRegistrations() {
        table.register(at("mpd", "n1", 1), T0);
        table.register(at("mpd", "n2", 1), T0);
        assertThat(table.find(query("mpd", null, null))).hasSize(2);
        assertThat(table.find(query("mpd", "n2", null))).extracting(Location::host).containsExactly("n2");
    }

    @Test
    void aComponentRestartedOnAnotherPortIsListedNewestFirstAndRenewalsKeepTheirPlace() {
        table.register(at("em", "h", 1), T0);
        table.register(at("em", "h", 2), T0.plusSeconds(1));
        table.register(at("em", "h", 1), T0.plusSeconds(2));
        assertThat(table.find(query("em", null, null))).extracting(Location::port).containsExactly("2", "1");
    }

    @Test
    void wildcardsSelectEverythingAndExactValuesSelectExactly() {
        table.register(at("qm", "h", 1), T0);
        table.register(at("em", "h", 2), T0);
        assertThat(table.find(query("*", null, null))).hasSize(2);
        assertThat(table.find(query("em", "*", "*"))).extracting(Location::port).containsExactly("2");
        assertThat(table.find(query("nobody", null, null))).isEmpty();
    }

    @Test
    void projectionReturnsTheComponentAndOnlyTheFieldsAskedFor() {
        Location full = at("qm", "h", 1);
        Location projected = LocationTable.project(query("*", "*", null), full);
        assertThat(projected.component()).isEqualTo("qm");
        assertThat(projected.host()).isEqualTo("h");
        assertThat(projected.port()).isNull();
        assertThat(projected.protocol()).isNull();
    }

    @Test
    void removalTakesOnlyWhatMatches() {
        table.register(at("qm", "h", 1), T0);
        table.register(at("qm", "h", 2), T0);
        assertThat(table.remove(query("qm", "h", "2"))).hasSize(1);
        assertThat(table.find(query("qm", null, null))).extracting(Location::port).containsExactly("1");
    }

    @Test
    void thePermanentEntryNeverExpires() {
        table.registerPermanent(at("service-directory", "h", 7700));
        assertThat(table.expire(Instant.MAX.minusSeconds(1))).isEmpty();
    }
}
