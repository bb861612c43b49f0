int test_main(const char *c){(void)c;return 0;}
