# The noise generator (issue 9): real libvips images, decoded and measured.
noisett_add_test_binary(noisett_noise_generator_test generate/noise_generator_test.cc)
target_link_libraries(noisett_noise_generator_test PRIVATE noisett_generate noisett_image
  noisett_test_images)
