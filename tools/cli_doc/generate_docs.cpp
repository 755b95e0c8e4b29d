// uio-cli-docs OUTDIR: writes the man pages (OUTDIR/man1/NAME.1), bash completions
// (OUTDIR/bash/NAME) and zsh completions (OUTDIR/zsh/_NAME) of ucopy, ucopy-tables and ubench
// from the CLI::App each program parses with. Run by the build; not installed.
#include <filesystem>
#include <fstream>
#include <iostream>

#include "command_line.hpp"  // ubench's
#include "command_line_app.hpp"
#include "completions.hpp"
#include "man_page.hpp"
#include "table_copy_cli.hpp"

namespace {

using uio::cli_doc::program_doc;

program_doc ucopy_doc() {
    program_doc doc;
    doc.name = "ucopy";
    doc.summary =
        "copy files and trees as cp does, and tables between data files, PostgreSQL "
        "and SQLite, on io_uring";
    doc.synopsis = {"[OPTIONS] SOURCE DEST", "[OPTIONS] SOURCE... DIRECTORY",
                    "-r [OPTIONS] SOURCE... DEST", "--sync [OPTIONS] SRC[/] DEST",
                    "[TABLE OPTIONS] SRC DST   (SRC or DST a table)"};
    doc.description =
        "ucopy copies files and directory trees with cp's semantics (and rsync's, with "
        "--sync), its reads and writes on io_uring. When SRC or DST names a table "
        "(postgresql://, postgres://, sqlite:), it copies rows instead, between CSV, TSV and "
        "JSON Lines files, PostgreSQL and SQLite, through ucopy-tables.\n" +
        std::string(ucopy::help_text()) + "\n" + std::string(uio::etl::table_copy_help_prose());
    doc.sections = {{"OPTIONS", ucopy::command_line_app()},
                    {"TABLE OPTIONS", uio::etl::table_copy_app("ucopy")}};
    doc.exit_codes = ucopy::exit_codes();
    doc.exit_note = std::string(ucopy::exit_codes_note) +
                    " A table copy exits 0 done, 1 failed, 2 usage error, 70 internal error.";
    doc.examples = {
        {"ucopy -a photos/ /backup/", "copy the tree photos into /backup as cp -a does"},
        {"ucopy --sync --delete -a src/ mirror/", "make mirror an exact copy of src's contents"},
        {"ucopy --check -a src mirror", "list every difference, copy nothing"},
        {"ucopy sales.csv 'postgresql:///shop?table=sales'", "load a CSV file into PostgreSQL"},
        {"ucopy 'sqlite:shop.db?table=sales' - --format csv | zstd",
         "export a SQLite table to standard output"},
    };
    doc.see_also = {"ucopy-tables(1)", "ubench(1)", "cp(1)", "rsync(1)", "psql(1)", "sqlite3(1)"};
    return doc;
}

program_doc ucopy_tables_doc() {
    program_doc doc;
    doc.name = "ucopy-tables";
    doc.summary = "copy rows between CSV, TSV and JSON Lines files, PostgreSQL and SQLite";
    doc.synopsis = {"[OPTIONS] SRC DST"};
    doc.description =
        "ucopy-tables runs the table copies of ucopy(1), which hands it every command whose "
        "SRC or DST is a table; it is a program of its own so that tree copies never load "
        "libpq.\n" +
        std::string(uio::etl::table_copy_help_prose());
    doc.sections = {{"OPTIONS", uio::etl::table_copy_app("ucopy-tables")}};
    doc.exit_codes = uio::etl::table_copy_exit_codes();
    doc.examples = {
        {"ucopy-tables events.jsonl.zst 'sqlite:events.db?table=events'",
         "load compressed JSON Lines into SQLite"},
        {"ucopy-tables --mode upsert --key id new.csv 'postgresql:///shop?table=sales'",
         "update the rows whose id is in new.csv, add the others"},
    };
    doc.see_also = {"ucopy(1)", "psql(1)", "sqlite3(1)"};
    return doc;
}

program_doc ubench_doc() {
    program_doc doc;
    doc.name = "ubench";
    doc.summary = "benchmark io_uring (through uio) against blocking I/O on the same work";
    doc.synopsis = {"files [OPTIONS]", "overhead [OPTIONS]", "pg [OPTIONS]",
                    "pg-copy in|out --file FILE --table TABLE [OPTIONS]",
                    "sqlite-import --file FILE --db DB --table TABLE [OPTIONS]"};
    doc.description =
        "ubench runs one benchmark per subcommand: file reads and writes (files), the "
        "proactor's own cost (overhead), PostgreSQL queries (pg) and bulk loads (pg-copy, "
        "sqlite-import). Each prints a table of medians with the range of the runs.";
    doc.sections = {{"OPTIONS", ubench::command_line_app()}};
    doc.exit_codes = ubench::exit_codes();
    doc.examples = {
        {"ubench files --size 1G --json results.json", "every engine on a 1 GiB file"},
        {"ubench pg --queries 100000 --json=-", "primary-key SELECTs, results as JSON on stdout"},
    };
    doc.see_also = {"ucopy(1)", "fio(1)", "pgbench(1)"};
    return doc;
}

void write(const std::filesystem::path& path, const auto& writer) {
    std::filesystem::create_directories(path.parent_path());
    std::ofstream out(path);
    writer(out);
    if (!out.flush()) throw std::runtime_error("cannot write '" + path.string() + "'");
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 2) {
        std::cerr << "usage: uio-cli-docs OUTDIR\n";
        return 2;
    }
    const std::filesystem::path dir = argv[1];
    try {
        for (const program_doc& doc : {ucopy_doc(), ucopy_tables_doc(), ubench_doc()}) {
            write(dir / "man1" / (doc.name + ".1"),
                  [&](std::ostream& out) { uio::cli_doc::write_man_page(out, doc, UIO_VERSION); });
            write(dir / "bash" / doc.name,
                  [&](std::ostream& out) { uio::cli_doc::write_bash_completion(out, doc); });
            write(dir / "zsh" / ("_" + doc.name),
                  [&](std::ostream& out) { uio::cli_doc::write_zsh_completion(out, doc); });
        }
    } catch (const std::exception& e) {
        std::cerr << "uio-cli-docs: " << e.what() << "\n";
        return 1;
    }
    return 0;
}
