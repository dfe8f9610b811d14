using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PartnerMesh.Promotions.Api.Infrastructure.Migrations
{
    /// <inheritdoc />
    public partial class Experiments : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "experiment_exposures",
                columns: table => new
                {
                    experiment_id = table.Column<Guid>(type: "uuid", nullable: false),
                    sticky_id = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    variant = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    exposed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    converted_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_experiment_exposures", x => new { x.experiment_id, x.sticky_id });
                });

            migrationBuilder.CreateTable(
                name: "experiment_variant_stats",
                columns: table => new
                {
                    experiment_id = table.Column<Guid>(type: "uuid", nullable: false),
                    variant = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    exposures = table.Column<long>(type: "bigint", nullable: false),
                    conversions = table.Column<long>(type: "bigint", nullable: false),
                    orders = table.Column<long>(type: "bigint", nullable: false),
                    revenue = table.Column<decimal>(type: "numeric(24,4)", precision: 24, scale: 4, nullable: false),
                    revenue_squares = table.Column<decimal>(type: "numeric(38,4)", precision: 38, scale: 4, nullable: false),
                    discount = table.Column<decimal>(type: "numeric(24,4)", precision: 24, scale: 4, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_experiment_variant_stats", x => new { x.experiment_id, x.variant });
                });

            migrationBuilder.CreateTable(
                name: "experiments",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    variants = table.Column<string>(type: "jsonb", nullable: false),
                    holdout_percent = table.Column<int>(type: "integer", nullable: false),
                    partner_id = table.Column<Guid>(type: "uuid", nullable: true),
                    winner = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    idempotency_key = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    created_by = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    started_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    ended_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_experiments", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_experiment_exposures_sticky_id",
                table: "experiment_exposures",
                column: "sticky_id");

            migrationBuilder.CreateIndex(
                name: "ix_experiments_status",
                table: "experiments",
                column: "status");

            migrationBuilder.CreateIndex(
                name: "ux_experiments_idempotency_key",
                table: "experiments",
                column: "idempotency_key",
                unique: true,
                filter: "idempotency_key IS NOT NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "experiment_exposures");

            migrationBuilder.DropTable(
                name: "experiment_variant_stats");

            migrationBuilder.DropTable(
                name: "experiments");
        }
    }
}
