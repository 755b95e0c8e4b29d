// The files ubench reads: one large data file and a folder of small ones, both holding the
// pattern of workload.hpp, and the cache state each run starts from (hot: read in first;
// cold: evicted first). Files are reused when a previous --keep run left them intact.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "io_helpers.hpp"
#include "workload.hpp"

namespace ubench {

class data_set {
  public:
    // cold: "auto", "drop" or "fadvise" (see files_options).
    data_set(std::string data_path, std::uint64_t size, std::string small_dir, unsigned small_count,
             std::string cold, bool keep);
    ~data_set();
    data_set(const data_set&) = delete;
    data_set& operator=(const data_set&) = delete;

    const std::string& data_path() const noexcept { return data_path_; }
    const std::string& small_dir() const noexcept { return small_dir_; }
    const std::byte* image() const noexcept { return image_.data(); }

    // Brings the cache into the state the job's mode asks for.
    void prepare(const job& work);

    // What "cold" means on this run, and what could not be done.
    std::string cold_method() const;
    const std::vector<std::string>& notes() const noexcept { return notes_; }

  private:
    void write_data_file();
    bool data_file_intact() const;
    void write_small_files();
    void warm(const job& work);
    void evict(const job& work);
    bool drop_caches();

    std::string data_path_;
    std::uint64_t size_;
    std::string small_dir_;
    unsigned small_count_;
    std::string cold_;
    bool keep_;
    bool can_drop_ = false;
    aligned_buffer image_;
    std::vector<std::string> notes_;
};

}  // namespace ubench
