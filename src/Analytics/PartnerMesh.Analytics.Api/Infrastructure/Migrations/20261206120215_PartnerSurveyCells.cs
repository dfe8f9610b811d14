using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PartnerMesh.Analytics.Api.Infrastructure.Migrations
{
    /// <inheritdoc />
    public partial class PartnerSurveyCells : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "partner_survey_cells",
                columns: table => new
                {
                    partner_id = table.Column<Guid>(type: "uuid", nullable: false),
                    week = table.Column<DateOnly>(type: "date", nullable: false),
                    dimension = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: false),
                    dimension_value2 = table.Column<string>(type: "text", nullable: false),
                    surveys_shown = table.Column<long>(type: "bigint", nullable: false),
                    survey_responses = table.Column<long>(type: "bigint", nullable: true),
                    nps_responses = table.Column<long>(type: "bigint", nullable: true),
                    nps_promoters = table.Column<long>(type: "bigint", nullable: true),
                    nps_detractors = table.Column<long>(type: "bigint", nullable: true),
                    published_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_partner_survey_cells", x => new { x.partner_id, x.week, x.dimension, x.dimension_value2 });
                });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "partner_survey_cells");
        }
    }
}
