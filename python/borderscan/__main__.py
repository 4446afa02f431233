from borderscan.cli import main

main()
